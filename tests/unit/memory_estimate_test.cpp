// The memory a run needs, against what the machine has, before anything starts.
#include "runner/memory_estimate.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

namespace sc {
namespace {

Scenario scenario(int sessions, int requests) {
  Scenario s;
  s.file = "s.yaml";
  s.traffic.sessions = sessions;
  s.traffic.requests_per_session = requests;
  s.traffic.mark = {7, 13};
  return s;
}

MemoryCost round_cost() {
  MemoryCost c;
  c.fixed = 1000;
  c.per_request = 100;
  c.per_session = 500;
  return c;
}

TEST(MemoryEstimate, AddsFixedPerSessionAndPerRequestCosts) {
  EXPECT_EQ(estimate_run_bytes(scenario(10, 3).traffic, round_cost()), 1000u + 10 * (500 + 300));
}

TEST(MemoryEstimate, ScenarioThatFitsPasses) {
  EXPECT_EQ(check_memory(scenario(10, 3), 9000, round_cost()), "");
}

TEST(MemoryEstimate, ScenarioThatCannotFitSaysWhatWould) {
  EXPECT_EQ(check_memory(scenario(10'000'000, 100'000), 8ull << 30, memory_cost()),
            "s.yaml:7:13: traffic.sessions: 10000000 sessions x 100000 requests need about "
            "40.0 TB of memory, but 8.0 GB is available; at most 1936 sessions of 100000 "
            "requests would fit");
  EXPECT_EQ(check_memory(scenario(10, 3), 1500, round_cost()),
            "s.yaml:7:13: traffic.sessions: 10 sessions x 3 requests need about 8.8 KB of "
            "memory, but 1.5 KB is available; not even one session of 3 requests fits");
}

TEST(MemoryEstimate, AMillionRequestsFitInLessThanAHundredMegabytes) {
  EXPECT_LT(estimate_run_bytes(scenario(100'000, 10).traffic), 200ull << 20);
}

TEST(AvailableMemory, EnvironmentOverridesAndMalformedValuesAreErrors) {
  ::setenv("STICKYCHECK_MEMORY_LIMIT", "512M", 1);
  EXPECT_EQ(available_memory().bytes, 512ull << 20);
  ::setenv("STICKYCHECK_MEMORY_LIMIT", "lots", 1);
  auto bad = available_memory();
  EXPECT_FALSE(bad.bytes);
  EXPECT_EQ(bad.error,
            "STICKYCHECK_MEMORY_LIMIT: expected a size in bytes, or with a K, M or G suffix, "
            "got 'lots'");
  ::unsetenv("STICKYCHECK_MEMORY_LIMIT");
  EXPECT_TRUE(available_memory().bytes);  // /proc/meminfo on Linux
}

}  // namespace
}  // namespace sc
