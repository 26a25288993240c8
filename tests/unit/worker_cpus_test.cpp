// Which CPU each balancer worker thread is bound to (net/worker_cpus.hpp).
#include "net/worker_cpus.hpp"

#include <gtest/gtest.h>

namespace sc::net {
namespace {

const std::vector<int> kFour{0, 1, 2, 3};

TEST(WorkerCpus, TwoWorkersTakeTheFirstTwoAllowedCpus) {
  EXPECT_EQ(plan_worker_cpus(2, kFour, CpuAffinity::kAuto), (std::vector<int>{0, 1}));
}

TEST(WorkerCpus, OnlyAllowedCpusAreUsedInTheirOrder) {
  const std::vector<int> allowed{2, 5, 7};  // e.g. `taskset -c 2,5,7`
  EXPECT_EQ(plan_worker_cpus(3, allowed, CpuAffinity::kAuto), (std::vector<int>{2, 5, 7}));
}

TEST(WorkerCpus, OneWorkerIsNotPinned) {
  EXPECT_TRUE(plan_worker_cpus(1, kFour, CpuAffinity::kAuto).empty());
  EXPECT_EQ(describe_worker_cpus({}, 1, kFour, CpuAffinity::kAuto), "not pinned (one worker)");
}

TEST(WorkerCpus, MoreWorkersThanAllowedCpusAreNotPinned) {
  const std::vector<int> allowed{0, 1};
  EXPECT_TRUE(plan_worker_cpus(3, allowed, CpuAffinity::kAuto).empty());
  EXPECT_EQ(describe_worker_cpus({}, 3, allowed, CpuAffinity::kAuto),
            "not pinned (3 workers, 2 CPUs allowed)");
  EXPECT_EQ(describe_worker_cpus({}, 2, std::vector<int>{4}, CpuAffinity::kAuto),
            "not pinned (2 workers, 1 CPU allowed)");
}

TEST(WorkerCpus, NoneLeavesThePlacementToTheScheduler) {
  EXPECT_TRUE(plan_worker_cpus(2, kFour, CpuAffinity::kNone).empty());
  EXPECT_EQ(describe_worker_cpus({}, 2, kFour, CpuAffinity::kNone),
            "not pinned (--cpu-affinity none)");
}

TEST(WorkerCpus, APlanIsDescribedByItsCpus) {
  EXPECT_EQ(describe_worker_cpus({2, 5}, 2, std::vector<int>{2, 5}, CpuAffinity::kAuto),
            "pinned to CPUs 2, 5");
}

TEST(WorkerCpus, ACpuOutsideTheSetIsAnErrorNamingIt) {
  auto st = pin_current_thread(-1);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message, "CPU -1 does not exist");
}

}  // namespace
}  // namespace sc::net
