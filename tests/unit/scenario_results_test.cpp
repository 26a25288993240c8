// After the traffic: an interrupted run is still judged over the requests that completed.
#include "runner/scenario_results.hpp"

#include <gtest/gtest.h>

#include "../common/scenario_builders.hpp"

namespace sc {
namespace {

ScenarioReport figures_of_sticky_sessions(const Scenario& s, int sessions) {
  RecordSet set;
  for (int i = 0; i < sessions; ++i)
    for (std::uint32_t k = 0; k < 2; ++k) {
      RequestRecord r;
      r.session = static_cast<std::uint32_t>(i);
      r.seq = k;
      r.status = 200;
      r.backend = set.strings.intern(i % 2 ? "www2" : "www1");
      set.records.push_back(r);
    }
  ScenarioReport report;
  compute_figures(s, set, {}, report);
  return report;
}

TEST(Judge, AnInterruptedRunIsJudgedOverTheRequestsThatCompletedAndMarkedPartial) {
  const auto s = test::two_backends("");
  auto report = figures_of_sticky_sessions(s, 10);
  judge(s, std::string(kInterruptedReason), false, {}, report);
  EXPECT_TRUE(report.partial);
  EXPECT_EQ(report.verdict, ScenarioVerdict::kPass);
  EXPECT_EQ(report.error, "interrupted");
  EXPECT_FALSE(report.evaluation.checks.empty());
}

TEST(Judge, AnInterruptionBeforeAnyRequestOrAnotherFailureIsAnError) {
  const auto s = test::two_backends("");
  auto none = figures_of_sticky_sessions(s, 0);
  judge(s, std::string(kInterruptedReason), false, {}, none);
  EXPECT_FALSE(none.partial);
  EXPECT_EQ(none.verdict, ScenarioVerdict::kError);
  auto died = figures_of_sticky_sessions(s, 10);
  judge(s, "proxy (apache) exited with status 1 during the traffic", false, {}, died);
  EXPECT_FALSE(died.partial);
  EXPECT_EQ(died.verdict, ScenarioVerdict::kError);
  EXPECT_TRUE(died.evaluation.checks.empty());
}

}  // namespace
}  // namespace sc
