// What a merge reads from a report survives the JSON: written by to_json, read back the same.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "report/report.hpp"

namespace sc {
namespace {

Report shard_report() {
  Report report;
  ScenarioReport r;
  r.scenario.name = "probe shop";
  r.scenario.source = "name: probe shop\ntarget:\n  url: \"http://shop/\"\n  cookie: \"sid=abc\"\n";
  r.scenario.shard = {2, 3, {}};
  r.verdict = ScenarioVerdict::kPass;
  r.fingerprint = "0123456789abcdef";
  r.started_unix_us = 1'765'000'000'123'456;
  r.evidence.scheme = "https";
  r.evidence.set_cookies = {"ROUTEID=.www1; path=/"};
  r.evidence.cookies_captured = true;
  r.evidence.proxy_log = {"AH01144: No protocol handler"};
  r.evidence.redirect_example = "302 to /login";
  r.outside_causes = {"the cookie ROUTEID has no Secure attribute"};
  ProbeJudgement j;
  j.strength = IdentityStrength::candidate;
  j.candidate = "lb";
  j.losses_observable = false;
  r.judgement = j;
  auto& m = r.metrics;
  m.requests_on_first_backend = 41;
  m.sessions_over_backends = 3;
  m.transport_error_texts = {{"Connection refused", 4}, {"timed out", 1}};
  m.poll_end_texts = {{"long-poll ended: 502", 2}};
  m.sticky_values = {"a.www1", "a.www2"};
  for (int v : {120, 3000, 3000, 250000}) m.latency.add(v);
  m.steps = {{"log in", 5, 1, 0, 0, "expected 302", {{"expected 302", 1}}}};
  report.scenarios.push_back(std::move(r));
  return report;
}

TEST(ReportShardJson, WhatAMergeReadsReadsBackTheSame) {
  const auto written = shard_report();
  auto read = report_from_json(to_json(written));
  ASSERT_TRUE(read.ok()) << read.error().message;
  ASSERT_EQ(read->schema_version, 3);
  const auto& a = written.scenarios[0];
  const auto& b = read->scenarios[0];
  EXPECT_EQ(b.scenario.shard.index, 2);
  EXPECT_EQ(b.scenario.shard.count, 3);
  EXPECT_EQ(b.fingerprint, a.fingerprint);
  EXPECT_EQ(b.started_unix_us, a.started_unix_us);
  EXPECT_EQ(b.evidence.scheme, "https");
  EXPECT_EQ(b.evidence.set_cookies, a.evidence.set_cookies);
  EXPECT_TRUE(b.evidence.cookies_captured);
  EXPECT_EQ(b.evidence.proxy_log, a.evidence.proxy_log);
  EXPECT_EQ(b.evidence.redirect_example, a.evidence.redirect_example);
  EXPECT_EQ(b.outside_causes, a.outside_causes);
  ASSERT_TRUE(b.judgement.has_value());
  EXPECT_EQ(b.judgement->strength, IdentityStrength::candidate);
  EXPECT_EQ(b.judgement->candidate, "lb");
  EXPECT_FALSE(b.judgement->losses_observable);
  EXPECT_EQ(b.metrics.requests_on_first_backend, 41);
  EXPECT_EQ(b.metrics.sessions_over_backends, 3);
  EXPECT_EQ(b.metrics.transport_error_texts, a.metrics.transport_error_texts);
  EXPECT_EQ(b.metrics.poll_end_texts, a.metrics.poll_end_texts);
  EXPECT_EQ(b.metrics.top_poll_end, "long-poll ended: 502");
  EXPECT_EQ(b.metrics.sticky_values, a.metrics.sticky_values);
  EXPECT_EQ(b.metrics.latency, a.metrics.latency);
  ASSERT_EQ(b.metrics.steps.size(), 1u);
  EXPECT_EQ(b.metrics.steps[0].error_texts, a.metrics.steps[0].error_texts);
}

TEST(ReportShardJson, TheSourceIsWrittenWithoutItsSecrets) {
  const auto j = to_json(shard_report());
  const std::string source = j["scenarios"][0]["shard"]["scenario_source"];
  EXPECT_EQ(source.find("abc"), std::string::npos) << source;
  EXPECT_NE(source.find("sid=redacted"), std::string::npos) << source;
}

TEST(ReportShardJson, OnlyTheProxysLast200LogLinesAreKept) {
  auto report = shard_report();
  auto& log = report.scenarios[0].evidence.proxy_log;
  log.clear();
  for (int i = 0; i < 250; ++i) log.push_back("line " + std::to_string(i));
  const auto kept = to_json(report)["scenarios"][0]["shard"]["evidence"]["proxy_log"];
  ASSERT_EQ(kept.size(), 200u);
  EXPECT_EQ(kept.front(), "line 50");
  EXPECT_EQ(kept.back(), "line 249");
}

}  // namespace
}  // namespace sc
