// What `stickycheck report` reads: the JSON report back into the model, today's and older.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "html_report_model.hpp"
#include "report/report.hpp"
#include "util/text.hpp"

namespace sc {
namespace {

TEST(ReportCommandJson, SchemaTwoReportRoundTrips) {
  auto a = test::model_scenario("a", {"www1", "www2"}, 30, 6);
  a.failover.push_back({0, "www1", 5, 20, 0, 18, 2, 1234, 3, 1, 5, 0, 5, 800, 1500, 1, 0});
  a.proxy_version = "Apache/2.4.62";
  a.proxy_config = "ProxyPass / balancer://c/\n";
  a.proxy_config_path = "scenarios/apache.conf.tmpl";
  a.logs = {{"proxy", "last line"}};
  a.timings = {0.25, 3.5, 0.125, 0.0625, 0.5, 48 << 20};
  auto b = a;
  b.scenario.name = "b";
  b.verdict = ScenarioVerdict::kSkipped;
  b.error = "caddy is not installed";
  const auto report = test::model_report({a, b});
  const auto written = to_json(report);
  const auto read = report_from_json(written);
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(to_json(*read), written);
  EXPECT_EQ(read->scenarios[0].charts.sample.sessions.size(), 30u);
  EXPECT_EQ(read->scenarios[0].metrics.backends.front().first, "www1");
  EXPECT_EQ(read->scenarios[0].timings.traffic_s, 3.5);
}

TEST(ReportCommandJson, SummaryCountsTheScenariosByVerdictAsIntegers) {
  auto a = test::model_scenario("a", {"www1", "www2"}, 30, 6);
  a.verdict = ScenarioVerdict::kPass;
  auto b = a, c = a, d = a;
  b.verdict = ScenarioVerdict::kFail;
  c.verdict = ScenarioVerdict::kError;
  d.verdict = ScenarioVerdict::kSkipped;
  const auto j = to_json(test::model_report({a, b, c, d}));
  EXPECT_EQ(j["summary"], nlohmann::json({{"verdict", "error"},
                                          {"scenarios", 4},
                                          {"passed", 1},
                                          {"failed", 1},
                                          {"errored", 1},
                                          {"skipped", 1},
                                          {"inconclusive", 0}}));
  EXPECT_TRUE(j["summary"]["scenarios"].is_number_integer());
  const auto& checks = j["scenarios"][0]["checks"];
  auto losses = std::find_if(checks.begin(), checks.end(),
                             [](const auto& c) { return c["id"] == "session_losses"; });
  ASSERT_NE(losses, checks.end());
  EXPECT_TRUE((*losses)["observed"].is_number_integer());
}

TEST(ReportCommandJson, PartialScenarioRoundTrips) {
  auto a = test::model_scenario("a", {"www1", "www2"}, 30, 6);
  a.partial = true;
  a.error = "interrupted by signal 2";
  const auto written = to_json(test::model_report({a}));
  EXPECT_EQ(written["scenarios"][0]["partial"], true);
  const auto read = report_from_json(written);
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_TRUE(read->scenarios[0].partial);
}

TEST(ReportCommandJson, SchemaOneReportOpensWithWhatItHas) {
  auto j = nlohmann::json::parse(*read_text_file(std::string(STICKYCHECK_SOURCE_DIR) +
                                                 "/tests/unit/report_command_v1_report.json"));
  ASSERT_EQ(j["schema_version"], 1);
  const auto read = report_from_json(j);
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(read->schema_version, 1);
  ASSERT_EQ(read->scenarios.size(), 1u);
  const auto& s = read->scenarios[0];
  EXPECT_EQ(s.scenario.name, "phpsessid-expect-affinity");
  EXPECT_EQ(s.verdict, ScenarioVerdict::kFail);
  EXPECT_EQ(s.metrics.sessions, j["scenarios"][0]["metrics"]["sessions"].get<long long>());
  EXPECT_EQ(s.evaluation.checks.size(), j["scenarios"][0]["checks"].size());
  EXPECT_TRUE(s.charts.sample.sessions.empty());
  EXPECT_TRUE(s.charts.timeline.buckets.empty());
}

TEST(ReportCommandJson, OtherDocumentsAreRefusedWithAReason) {
  EXPECT_EQ(report_from_json(nlohmann::json::array()).error().message,
            "not a stickycheck report (no \"tool\": \"stickycheck\")");
  EXPECT_EQ(report_from_json({{"tool", "stickycheck"}, {"schema_version", 9}}).error().message,
            "schema_version 9 is not one this stickycheck reads (1 to 3)");
  EXPECT_EQ(report_from_json(
                {{"tool", "stickycheck"}, {"schema_version", 2}, {"scenarios", {{{"name", "x"}}}}})
                .error()
                .message,
            "scenarios[0]: no valid verdict");
}

}  // namespace
}  // namespace sc
