// `stickycheck merge`'s pure parts: shards' figures add up to the whole run's, and the
// refusals name the files.
#include <gtest/gtest.h>

#include "checks/metrics.hpp"
#include "checks/timeline.hpp"
#include "merge/merge_figures.hpp"
#include "merge/merge_reports.hpp"
#include "scenario/scenario_parser.hpp"

namespace sc {
namespace {

// 60 sessions of 5 requests over www1, www2 and an undeclared www3, with switches, losses,
// 5xx answers, transport errors of two texts and sticky cookie values (with and without the
// separator).
RecordSet sample_run() {
  RecordSet set;
  const auto www1 = set.strings.intern("www1"), www2 = set.strings.intern("www2"),
             www3 = set.strings.intern("www3");
  const auto refused = set.strings.intern("Connection refused"),
             reset = set.strings.intern("Connection reset by peer");
  for (std::uint32_t s = 0; s < 60; ++s)
    for (std::uint32_t k = 0; k < 5; ++k) {
      RequestRecord r;
      r.session = s;
      r.seq = k;
      r.start_us = (s * 5 + k) * 1000;
      r.latency_us = static_cast<std::int32_t>(300 + (s * 37 + k * 911) % 20000);
      r.status = 200;
      r.backend = s % 3 == 0 ? www1 : s % 3 == 1 ? www2 : (k == 3 ? www3 : www1);
      if (s % 7 == 0 && k == 2) r.backend = www2, r.session_lost = true;
      if (s % 11 == 0 && k == 4) r.status = 503, r.backend = StringTable::kNone;
      if (s % 13 == 0 && k == 1)
        r.status = 0, r.backend = StringTable::kNone, r.error = s % 2 ? refused : reset;
      r.sticky_value = set.strings.intern(s % 2 ? "balancer.www" + std::to_string(s % 3)
                                                : "id" + std::to_string(s));
      r.cookieless = s == 59;
      set.records.push_back(r);
    }
  return set;
}

// The records of the sessions whose index is `index` modulo `count` (the strings all kept).
RecordSet shard_of(const RecordSet& whole, std::uint32_t index, std::uint32_t count) {
  RecordSet part;
  part.strings = whole.strings;
  for (const auto& r : whole.records)
    if (r.session % count == index) part.records.push_back(r);
  return part;
}

TEST(MergeFigures, ThreeShardsOfARunAddUpToItsMetrics) {
  const auto whole_set = sample_run();
  const std::vector<std::string> names = {"www1", "www2"};
  const Metrics whole = compute_metrics(whole_set, names, '.');
  std::vector<Metrics> parts;
  for (std::uint32_t i = 0; i < 3; ++i)
    parts.push_back(compute_metrics(shard_of(whole_set, i, 3), names, '.'));
  const Metrics m = merge_metrics({&parts[0], &parts[1], &parts[2]}, '.');
  EXPECT_EQ(m.sessions, whole.sessions);
  EXPECT_EQ(m.cookieless_sessions, whole.cookieless_sessions);
  EXPECT_EQ(m.requests, whole.requests);
  EXPECT_EQ(m.errors, whole.errors);
  EXPECT_EQ(m.transport_errors, whole.transport_errors);
  EXPECT_EQ(m.top_transport_error, whole.top_transport_error);
  EXPECT_EQ(m.top_transport_error_count, whole.top_transport_error_count);
  EXPECT_EQ(m.server_errors, whole.server_errors);
  EXPECT_EQ(m.sticky_sessions, whole.sticky_sessions);
  EXPECT_EQ(m.requests_on_first_backend, whole.requests_on_first_backend);
  EXPECT_EQ(m.session_losses, whole.session_losses);
  EXPECT_EQ(m.backend_switches, whole.backend_switches);
  EXPECT_EQ(m.max_session_switches, whole.max_session_switches);
  EXPECT_EQ(m.sessions_moved_after_first_only, whole.sessions_moved_after_first_only);
  EXPECT_EQ(m.sessions_over_backends, whole.sessions_over_backends);
  EXPECT_EQ(m.unsticky_sessions_failed_only, whole.unsticky_sessions_failed_only);
  EXPECT_EQ(m.answers_without_backend, whole.answers_without_backend);
  EXPECT_EQ(m.statuses, whole.statuses);
  EXPECT_EQ(m.statuses_without_backend, whole.statuses_without_backend);
  EXPECT_EQ(m.requests_with_sticky_cookie, whole.requests_with_sticky_cookie);
  EXPECT_EQ(m.distinct_sticky_values, whole.distinct_sticky_values);
  EXPECT_EQ(m.sticky_values_with_separator, whole.sticky_values_with_separator);
  EXPECT_EQ(m.sticky_value_examples, whole.sticky_value_examples);
  ASSERT_EQ(m.backends.size(), whole.backends.size());
  for (std::size_t i = 0; i < m.backends.size(); ++i) {
    EXPECT_EQ(m.backends[i].first, whole.backends[i].first);
    EXPECT_EQ(m.backends[i].second.requests, whole.backends[i].second.requests);
    EXPECT_EQ(m.backends[i].second.first_requests, whole.backends[i].second.first_requests);
    EXPECT_EQ(m.backends[i].second.statuses, whole.backends[i].second.statuses);
  }
  EXPECT_EQ(m.latency, whole.latency);
  EXPECT_LE(m.latency_p50_us, whole.latency_p50_us);
  EXPECT_LE(double(whole.latency_p50_us - m.latency_p50_us),
            double(whole.latency_p50_us) * LogHistogram::kRelativePrecision);
  EXPECT_LE(double(whole.latency_p99_us - m.latency_p99_us),
            double(whole.latency_p99_us) * LogHistogram::kRelativePrecision);
}

TEST(MergeFigures, ShardsChartsMergeToTheWholeRunsSampleSpreadAndLatencyCounts) {
  const auto whole_set = sample_run();
  const std::vector<std::string> names = {"www1", "www2"};
  const Metrics whole_m = compute_metrics(whole_set, names, '.');
  const auto whole = compute_chart_figures(whole_set, whole_m, {1, 1});
  std::vector<Metrics> metrics;
  std::vector<ChartFigures> charts;
  for (std::uint32_t i = 0; i < 3; ++i) {
    const auto part = shard_of(whole_set, i, 3);
    metrics.push_back(compute_metrics(part, names, '.'));
    charts.push_back(compute_chart_figures(part, metrics.back(), {1, 1}));
  }
  const Metrics m = merge_metrics({&metrics[0], &metrics[1], &metrics[2]}, '.');
  const auto c = merge_charts({{&charts[0], 1000}, {&charts[1], 1000}, {&charts[2], 1000}}, m,
                              {1, 1});
  ASSERT_EQ(c.spread.size(), whole.spread.size());
  for (std::size_t i = 0; i < c.spread.size(); ++i) {
    EXPECT_EQ(c.spread[i].observed, whole.spread[i].observed);
    EXPECT_DOUBLE_EQ(c.spread[i].expected, whole.spread[i].expected);
  }
  EXPECT_EQ(c.latency.counts, whole.latency.counts);
  EXPECT_EQ(c.latency.max_us, whole.latency.max_us);
  EXPECT_EQ(c.sample.selection, "every session");
  ASSERT_EQ(c.sample.sessions.size(), whole.sample.sessions.size());
  for (std::size_t i = 0; i < c.sample.sessions.size(); ++i) {
    EXPECT_EQ(c.sample.sessions[i].session, whole.sample.sessions[i].session);
    ASSERT_EQ(c.sample.sessions[i].cells.size(), whole.sample.sessions[i].cells.size());
    for (std::size_t k = 0; k < c.sample.sessions[i].cells.size(); ++k)
      EXPECT_EQ(c.sample.backends[c.sample.sessions[i].cells[k].backend < 0
                                      ? 0
                                      : c.sample.sessions[i].cells[k].backend],
                whole.sample.backends[whole.sample.sessions[i].cells[k].backend < 0
                                          ? 0
                                          : whole.sample.sessions[i].cells[k].backend]);
  }
  long long timeline_requests = 0;
  for (const auto& b : c.timeline.buckets)
    for (auto n : b.per_backend) timeline_requests += n;
  long long whole_timeline = 0;
  for (const auto& b : whole.timeline.buckets)
    for (auto n : b.per_backend) whole_timeline += n;
  EXPECT_EQ(timeline_requests, whole_timeline);
}

TEST(MergeFigures, TimelinesAlignOnTheWallClock) {
  ChartFigures a, b;
  a.timeline = {1000, {"www1"}, {{{5}, 0, 0}, {{7}, 1, 0}}};
  b.timeline = {1000, {"www1"}, {{{2}, 0, 0}}};
  Metrics m;
  m.backends = {{"www1", {}}};
  // b began 1 ms after a: its first bucket is a's second.
  const auto c = merge_charts({{&a, 10'000}, {&b, 11'000}}, m, {});
  ASSERT_EQ(c.timeline.buckets.size(), 2u);
  EXPECT_EQ(c.timeline.width_us, 1000);
  EXPECT_EQ(c.timeline.buckets[0].per_backend[0], 5);
  EXPECT_EQ(c.timeline.buckets[1].per_backend[0], 9);
  EXPECT_EQ(c.timeline.buckets[1].errors, 1);
}

constexpr const char* kSource = R"yaml(name: s
backends:
  - name: www1
  - name: www2
proxy:
  type: reference
  stickysession: BALANCEID
traffic:
  sessions: 40
  requests_per_session: 2
)yaml";

// A report of shard `index` of `count` whose scenario had its first requests split as given.
ShardFile shard_file(const std::string& path, int index, int count, long long on_www1,
                     long long on_www2, const std::string& fingerprint = "00000000000000aa") {
  ShardFile f{path, {}};
  f.report.schema_version = 3;
  ScenarioReport r;
  r.scenario.name = "s";
  r.scenario.file = "s.yaml";
  r.scenario.source = kSource;
  r.scenario.shard = {index, count, {}};
  r.fingerprint = fingerprint;
  r.verdict = ScenarioVerdict::kPass;
  auto& m = r.metrics;
  m.sessions = m.sticky_sessions = on_www1 + on_www2;
  m.requests = m.requests_on_first_backend = 2 * m.sessions;
  m.backends = {{"www1", {2 * on_www1, on_www1, {{200, 2 * on_www1}}}},
                {"www2", {2 * on_www2, on_www2, {{200, 2 * on_www2}}}}};
  m.statuses = {{200, m.requests}};
  for (long long i = 0; i < m.requests; ++i) m.latency.add(1000);
  f.report.scenarios.push_back(std::move(r));
  return f;
}

TEST(MergeReports, RefusesAReportOfAnotherRun) {
  auto a = shard_file("a.json", 0, 2, 1, 1), b = shard_file("b.json", 1, 2, 1, 1);
  a.report.scenarios[0].scenario.shard.run_id = "job-2";
  b.report.scenarios[0].scenario.shard.run_id = "job-1";
  auto merged = merge_shard_reports({a, b});
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(merged.error().message,
            "a.json is of run 'job-2', b.json of run 'job-1': reports of different runs (one "
            "left from an earlier run?)");
}

TEST(MergeReports, RefusesShardsThatToldTheBackendsApartDifferently) {
  auto a = shard_file("a.json", 0, 2, 1, 1), b = shard_file("b.json", 1, 2, 1, 1);
  a.report.scenarios[0].probe = ProbeSummary{"http://shop/", "cookie:SRV (HAProxy)", "high", "", {}, ""};
  b.report.scenarios[0].probe = ProbeSummary{"http://shop/", "none", "none", "", {}, ""};
  auto merged = merge_shard_reports({a, b});
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(merged.error().message,
            "a.json and b.json told the backends apart differently (cookie:SRV (HAProxy) against "
            "none): their figures do not add up by backend; give the probe --identify so that "
            "every shard names them alike");
}

TEST(MergeReports, RefusesAHistogramThatDoesNotCountEveryRequest) {
  auto a = shard_file("a.json", 0, 1, 1, 1);
  a.report.scenarios[0].metrics.latency = {};
  auto merged = merge_shard_reports({a});
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(merged.error().message,
            "a.json: scenario 's': its latency histogram counts 0 requests, its figures 4");
}

TEST(MergeReports, ARunKeepsTheStickyCookieAndRoutesItsConfigurationSet) {
  // The source names no stickysession: an Apache configuration of the run set it.
  auto a = shard_file("a.json", 0, 1, 2, 2);
  auto& sc = a.report.scenarios[0].scenario;
  sc.proxy.stickysession = "ROUTEID";
  sc.proxy.stickysessionsep = ".";
  sc.backends.resize(2);
  sc.backends[0].options.name = "www1", sc.backends[0].options.route = "r1";
  sc.backends[1].options.name = "www2", sc.backends[1].options.route = "r2";
  auto merged = merge_shard_reports({a});
  ASSERT_TRUE(merged.ok()) << merged.error().message;
  const auto& s = merged->scenarios[0].scenario;
  EXPECT_EQ(s.proxy.stickysession, "ROUTEID");
  ASSERT_EQ(s.backends.size(), 2u);
  EXPECT_EQ(s.backends[1].options.route, "r2");
}

constexpr const char* kProbeSource = R"yaml(name: p
target:
  url: "http://shop.example/"
expect:
  max_session_losses: 5
traffic:
  sessions: 40
  requests_per_session: 2
)yaml";

TEST(MergeReports, AProbesLossesCauseIsSaidAgainFromTheMergedCount) {
  // 3 losses in each shard are within the limit of 5; the 6 of the whole test are not.
  std::vector<ShardFile> files;
  for (int i = 0; i < 2; ++i) {
    auto f = shard_file(i ? "b.json" : "a.json", i, 2, 2, 2);
    auto& r = f.report.scenarios[0];
    r.scenario.source = kProbeSource;
    r.metrics.session_losses = 3;
    r.probe = ProbeSummary{"http://shop.example/", "header:X-Backend (as told)", "high", "", {}, ""};
    ProbeJudgement j;
    j.strength = IdentityStrength::evidence;
    j.losses_seen_as = "the server set a new PHPSESSID on requests that sent one";
    r.judgement = j;
    files.push_back(std::move(f));
  }
  auto merged = merge_shard_reports(files);
  ASSERT_TRUE(merged.ok()) << merged.error().message;
  const auto& s = merged->scenarios[0];
  EXPECT_EQ(s.verdict, ScenarioVerdict::kFail);
  ASSERT_FALSE(s.evaluation.diagnosis.empty());
  EXPECT_EQ(s.evaluation.diagnosis[0].rfind(
                "6 requests found their session gone: the server set a new PHPSESSID on "
                "requests that sent one",
                0),
            0u)
      << s.evaluation.diagnosis[0];
}

TEST(MergeReports, TheSpreadTestIsComputedAgainFromTheMergedCounts) {
  // Each shard alone is too small for the test (an expected count under 5); together they
  // are not, and 20 against 0 is no fair spread.
  auto merged = merge_shard_reports(
      {shard_file("a.json", 0, 5, 4, 0), shard_file("b.json", 1, 5, 4, 0),
       shard_file("c.json", 2, 5, 4, 0), shard_file("d.json", 3, 5, 4, 0),
       shard_file("e.json", 4, 5, 4, 0)},
      5);
  ASSERT_TRUE(merged.ok()) << merged.error().message;
  const auto& s = merged->scenarios.at(0);
  EXPECT_EQ(s.metrics.sessions, 20);
  EXPECT_EQ(s.metrics.backends[0].second.first_requests, 20);
  EXPECT_TRUE(s.evaluation.distribution.applicable);
  EXPECT_EQ(s.evaluation.distribution.n, 20);
  EXPECT_LT(s.evaluation.distribution.p_value, 0.01);
  EXPECT_EQ(s.verdict, ScenarioVerdict::kFail);
  EXPECT_EQ(s.scenario.shard.count, 1);
}

TEST(MergeReports, RefusesReportsOfDifferentTests) {
  auto merged = merge_shard_reports(
      {shard_file("a.json", 0, 2, 1, 1), shard_file("b.json", 1, 2, 1, 1, "00000000000000bb")});
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(merged.error().message,
            "a.json and b.json are reports of different tests: scenario 's' has fingerprint "
            "00000000000000aa, scenario 's' 00000000000000bb (the scenario or a setting "
            "differs)");
}

TEST(MergeReports, RefusesADuplicateShardNamingBothFiles) {
  auto merged = merge_shard_reports(
      {shard_file("a.json", 0, 2, 1, 1), shard_file("b.json", 0, 2, 1, 1)});
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(merged.error().message, "a.json and b.json are both shard 0/2");
}

TEST(MergeReports, NamesTheMissingShards) {
  auto merged = merge_shard_reports({shard_file("a.json", 1, 4, 1, 1)});
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(merged.error().message,
            "shards 0/4, 2/4, 3/4 are missing: no report given has them");
  auto one = merge_shard_reports({shard_file("a.json", 0, 2, 1, 1)});
  EXPECT_EQ(one.error().message, "shard 1/2 is missing: no report given has it");
}

TEST(MergeReports, RefusesShardsOfAnotherCount) {
  auto merged = merge_shard_reports(
      {shard_file("a.json", 0, 3, 1, 1), shard_file("b.json", 1, 4, 1, 1)});
  EXPECT_EQ(merged.error().message, "b.json is shard 1/4, not one of 3 shards as a.json is");
  auto told = merge_shard_reports({shard_file("a.json", 0, 3, 1, 1)}, 4);
  EXPECT_EQ(told.error().message, "a.json is shard 0/3, not one of 4 shards (--shards)");
}

TEST(MergeReports, RefusesASchemaVersionWithoutWhatAMergeNeeds) {
  auto old = shard_file("old.json", 0, 1, 1, 1);
  old.report.schema_version = 2;
  auto merged = merge_shard_reports({old});
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(merged.error().message,
            "old.json: schema version 2 has no shard, fingerprint or latency histogram: merge "
            "reads schema version 3 (stickycheck " STICKYCHECK_VERSION
            " writes it); run that shard again");
}

TEST(MergeReports, RefusesScenariosWithDisturbances) {
  auto a = shard_file("a.json", 0, 1, 1, 1);
  a.report.scenarios[0].disturbances.push_back({});
  auto merged = merge_shard_reports({a});
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(merged.error().message,
            "a.json: scenario 's' has disturbances: each shard fired them at its own backends, "
            "and their recovery figures do not add up; run it unsharded");
}

TEST(MergeReports, AShardThatCouldNotRunMakesTheMergeAnErrorNamingIt) {
  auto b = shard_file("b.json", 1, 2, 1, 1);
  b.report.scenarios[0].verdict = ScenarioVerdict::kError;
  b.report.scenarios[0].error = "proxy (reference) exited with status 1 before it was ready";
  auto merged = merge_shard_reports({shard_file("a.json", 0, 2, 1, 1), b});
  ASSERT_TRUE(merged.ok());
  EXPECT_EQ(merged->scenarios[0].verdict, ScenarioVerdict::kError);
  EXPECT_EQ(merged->scenarios[0].error,
            "shard 1/2 (b.json): proxy (reference) exited with status 1 before it was ready");
  // Shard 0's figures are not shown as the whole test's.
  EXPECT_EQ(merged->scenarios[0].metrics.requests, 0);
  EXPECT_TRUE(merged->scenarios[0].evaluation.checks.empty());
}

}  // namespace
}  // namespace sc
