// The balancer's worker threads and the CPUs they may run on (--cpu-affinity), read from
// /proc/PID/task/*/status of the real process.
#include "net/worker_cpus.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "harness.hpp"
#include "runner/ports.hpp"

namespace sc::test {
namespace {

using namespace std::chrono_literals;

std::string cpus_allowed_list(const std::filesystem::path& status) {
  return status_field(status.string(), "Cpus_allowed_list");
}

// Each thread's allowed CPUs, sorted.
std::vector<std::string> thread_cpus(int pid) {
  std::vector<std::string> lists;
  for (const auto& task :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task"))
    lists.push_back(cpus_allowed_list(task.path() / "status"));
  std::sort(lists.begin(), lists.end());
  return lists;
}

// A backend and a two-worker balancer in front of it; two requests on new connections reach
// both workers (connections are handed out in turn), so both have bound themselves.
struct TwoWorkers {
  std::vector<std::uint16_t> ports = *allocate_loopback_ports(2);
  CliProcess backend{{"backend", "--name", "www1", "--listen", addr(0)}};
  std::unique_ptr<CliProcess> balancer;
  std::string addr(int i) const { return "127.0.0.1:" + std::to_string(ports[i]); }
  void start(std::vector<std::string> extra) {
    ASSERT_TRUE(wait_until([&] { return port_accepts(ports[0]); }, 10s));
    std::vector<std::string> args{"balancer",
                                  "--threads",
                                  "2",
                                  "--listen",
                                  addr(1),
                                  "--member",
                                  "http://" + addr(0) + " route=www1"};
    args.insert(args.end(), extra.begin(), extra.end());
    balancer = std::make_unique<CliProcess>(args);
    ASSERT_TRUE(wait_until([&] { return port_accepts(ports[1]); }, 10s));
    for (int i = 0; i < 2; ++i) ASSERT_EQ(http_get(ports[1], "/").backend, "www1");
  }
};

TEST(BalancerWorkerCpus, TwoWorkersRunOnACpuEachByDefault) {
  const auto cpus = net::allowed_cpus();
  ASSERT_TRUE(cpus) << cpus.error().message;
  const auto& allowed = *cpus;
  if (allowed.size() < 2) GTEST_SKIP() << "this test process may use " << allowed.size() << " CPU";
  TwoWorkers w;
  ASSERT_NO_FATAL_FAILURE(w.start({}));
  std::vector<std::string> expected{std::to_string(allowed[0]), std::to_string(allowed[1])};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(thread_cpus(w.balancer->pid()), expected);
  EXPECT_NE(
      w.balancer->output_so_far().find("2 threads, pinned to CPUs " + std::to_string(allowed[0]) +
                                       ", " + std::to_string(allowed[1])),
      std::string::npos)
      << w.balancer->output_so_far();
}

TEST(BalancerWorkerCpus, AffinityNoneLeavesTheWorkersOnEveryAllowedCpu) {
  TwoWorkers w;
  ASSERT_NO_FATAL_FAILURE(w.start({"--cpu-affinity", "none"}));
  const auto own = cpus_allowed_list("/proc/self/status");
  EXPECT_EQ(thread_cpus(w.balancer->pid()), (std::vector<std::string>{own, own}));
  EXPECT_NE(w.balancer->output_so_far().find("2 threads, not pinned (--cpu-affinity none)"),
            std::string::npos)
      << w.balancer->output_so_far();
}

TEST(BalancerWorkerCpus, AnUnknownAffinityIsABadOptionValue) {
  auto r =
      run_cli({"balancer", "--cpu-affinity", "sometimes", "--member", "http://127.0.0.1:9"}, 10s);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--cpu-affinity: sometimes not in {auto,none}"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace sc::test
