// --shard I/N and `stickycheck merge` through the real binary: the same test run whole and as
// three shards side by side (three processes against one deployment, or three runs each with
// its own set-up) merges to the same counts, sticky figures, losses and spread test, and the
// merge refuses what does not belong together, naming the files.
#include <gtest/gtest.h>

#include <climits>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "checks/log_histogram.hpp"
#include "harness.hpp"
#include "reference_site.hpp"

namespace sc::test {
namespace {

using nlohmann::json;

json read_report(const std::string& path) {
  expect_valid_report(path);
  return json::parse(read_file(path));
}

std::vector<std::string> probe_args(const Deployment& site, const std::string& json_path) {
  return {"probe", site.url(), "--sessions", "30", "--requests-per-session", "6", "--rate", "1000",
          "--concurrency", "6", "--json", json_path};
}

// Starts the three shards at once and waits for each; their report paths.
std::vector<std::string> run_three_shards(const std::vector<std::string>& args,
                                          const std::string& name) {
  std::vector<std::string> paths;
  std::vector<std::unique_ptr<CliProcess>> shards;
  for (int i = 0; i < 3; ++i) {
    paths.push_back(temp_path(name + "-shard-" + std::to_string(i) + ".json"));
    auto a = args;
    a.back() = paths.back();  // the --json path comes last
    a.insert(a.end(), {"--shard", std::to_string(i) + "/3"});
    shards.push_back(std::make_unique<CliProcess>(a));
  }
  for (auto& s : shards) {
    const auto r = s->wait(std::chrono::seconds(120));
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.out << r.err;
  }
  return paths;
}

CliResult merge(const std::vector<std::string>& reports, std::vector<std::string> more) {
  std::vector<std::string> args = {"merge"};
  args.insert(args.end(), reports.begin(), reports.end());
  args.insert(args.end(), more.begin(), more.end());
  return run_cli(args);
}

// The figures that must be the same, whole or merged. (Which member a new session lands on
// depends on how the shards' requests interleaved at the balancer, which also counts sticky
// hits: the per-backend split is compared with the shards' sum instead.)
void expect_same_figures(const json& whole, const json& merged) {
  const auto& w = whole["metrics"];
  const auto& m = merged["metrics"];
  for (const char* key : {"sessions", "requests", "errors", "sticky_sessions", "session_losses",
                          "backend_switches", "max_session_switches", "requests_on_first_backend",
                          "answers_without_backend"})
    EXPECT_EQ(m[key], w[key]) << key;
  EXPECT_EQ(m["statuses"], w["statuses"]);
  EXPECT_EQ(m["backends"].size(), w["backends"].size());
  const auto& wd = whole["statistics"]["distribution"];
  const auto& md = merged["statistics"]["distribution"];
  for (const char* key : {"applicable", "n", "df"}) EXPECT_EQ(md[key], wd[key]) << key;
  ASSERT_EQ(merged["checks"].size(), whole["checks"].size());
  for (std::size_t i = 0; i < whole["checks"].size(); ++i) {
    EXPECT_EQ(merged["checks"][i]["id"], whole["checks"][i]["id"]);
    EXPECT_EQ(merged["checks"][i]["verdict"], whole["checks"][i]["verdict"])
        << whole["checks"][i]["id"];
  }
  EXPECT_EQ(merged["verdict"], whole["verdict"]);
}

// Each backend's figures are the shards' sums, and the spread test is Pearson's statistic of
// those sums (two members of equal weight), not any shard's.
void expect_backends_added_and_spread_recomputed(const json& merged,
                                                 const std::vector<json>& shards) {
  const auto& m = merged["metrics"];
  double n = 0, statistic = 0;
  for (const auto& [name, f] : m["backends"].items()) {
    long long requests = 0, first = 0;
    for (const auto& s : shards) {
      const auto& b = s["metrics"]["backends"];
      if (!b.contains(name)) continue;
      requests += b[name]["requests"].get<long long>();
      first += b[name]["first_requests"].get<long long>();
    }
    EXPECT_EQ(f["requests"], requests) << name;
    EXPECT_EQ(f["first_requests"], first) << name;
    n += double(first);
  }
  for (const auto& [name, f] : m["backends"].items()) {
    const double expected = n / double(m["backends"].size());
    statistic += std::pow(f["first_requests"].get<double>() - expected, 2) / expected;
  }
  EXPECT_NEAR(merged["statistics"]["distribution"]["statistic"].get<double>(), statistic, 1e-9);
}

// A percentile of all the shards' requests lies between the shards' own (each exact), less
// the histogram's precision.
void expect_percentile_between_shards(const json& merged, const std::vector<json>& shards,
                                      const char* key) {
  long long low = LLONG_MAX, high = 0;
  for (const auto& s : shards) {
    low = std::min(low, s["metrics"][key].get<long long>());
    high = std::max(high, s["metrics"][key].get<long long>());
  }
  const auto got = merged["metrics"][key].get<long long>();
  EXPECT_GE(double(got), double(low) * (1 - LogHistogram::kRelativePrecision) - 1) << key;
  EXPECT_LE(got, high) << key;
}

TEST(Shards, ThreeProbeShardsAgainstOneSiteMergeToTheWholeProbe) {
  Deployment site;
  const std::string whole_path = temp_path("shards-whole.json");
  auto whole_run = run_cli(probe_args(site, whole_path));
  ASSERT_EQ(whole_run.exit_code, 0) << whole_run.out << whole_run.err;
  const auto shards = run_three_shards(probe_args(site, ""), "probe");
  const std::string merged_path = temp_path("shards-merged.json");
  const std::string html = temp_path("shards-merged.html"), junit = temp_path("shards-merged.xml");
  auto r = merge(shards, {"--shards", "3", "--json", merged_path, "--html", html, "--junit", junit});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("; merged from 3 shard reports"), std::string::npos) << r.out;
  EXPECT_EQ(read_report(merged_path)["merged_from"], json(shards));
  const auto whole = read_report(whole_path)["scenarios"][0];
  const auto merged = read_report(merged_path)["scenarios"][0];
  expect_same_figures(whole, merged);
  EXPECT_EQ(merged["metrics"]["sessions"], 30);
  EXPECT_EQ(merged["probe"]["identified_by"], whole["probe"]["identified_by"]);
  std::vector<json> parts;
  for (const auto& p : shards) parts.push_back(read_report(p)["scenarios"][0]);
  EXPECT_EQ(parts[1]["metrics"]["sessions"], 10);
  EXPECT_EQ(parts[1]["shard"]["index"], 1);
  EXPECT_EQ(parts[1]["shard"]["fingerprint"], whole["shard"]["fingerprint"]);
  expect_backends_added_and_spread_recomputed(merged, parts);
  expect_percentile_between_shards(merged, parts, "latency_p50_us");
  expect_percentile_between_shards(merged, parts, "latency_p99_us");
  EXPECT_NE(read_file(html).find("<svg"), std::string::npos);
  EXPECT_NE(read_file(html).find("3 shard reports: "), std::string::npos);
  EXPECT_NE(read_file(junit).find("<testsuite"), std::string::npos);
}

// Three runs, each with its own backends and balancer: the classic stickysession=PHPSESSID
// mistake. The cause is found again in the merged figures, not copied from a shard.
TEST(Shards, ThreeRunShardsMergeToTheWholeRunWithItsCause) {
  const std::string scenario = source_path("scenarios/seed-phpsessid-no-route.yaml");
  const std::string whole_path = temp_path("run-shards-whole.json");
  auto whole_run = run_cli({"run", scenario, "--json", whole_path}, std::chrono::seconds(120));
  ASSERT_EQ(whole_run.exit_code, 0) << whole_run.out << whole_run.err;
  const auto shards = run_three_shards({"run", scenario, "--json", ""}, "run");
  const std::string merged_path = temp_path("run-shards-merged.json");
  auto r = merge(shards, {"--json", merged_path});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto whole = read_report(whole_path)["scenarios"][0];
  const auto merged = read_report(merged_path)["scenarios"][0];
  for (const char* key : {"sessions", "requests", "errors"})
    EXPECT_EQ(merged["metrics"][key], whole["metrics"][key]) << key;
  EXPECT_EQ(merged["verdict"], "pass");
  EXPECT_EQ(merged["metrics"]["sticky_cookie"]["values_with_separator"], 0);
  ASSERT_FALSE(merged["diagnosis"].empty());
  const std::string cause = merged["diagnosis"][0];
  EXPECT_NE(cause.find("PHPSESSID"), std::string::npos) << cause;
  // The merged figures' own count, not a shard's.
  const auto distinct = merged["metrics"]["sticky_cookie"]["distinct_values"].get<long long>();
  EXPECT_NE(cause.find(std::to_string(distinct)), std::string::npos) << cause;
  long long shards_distinct = 0;
  for (const auto& p : shards)
    shards_distinct += read_report(p)["scenarios"][0]["metrics"]["sticky_cookie"]
                                     ["distinct_values"]
                                         .get<long long>();
  EXPECT_EQ(distinct, shards_distinct);  // every session's own ids: no value shared
}

TEST(Merge, RefusesReportsOfDifferentTestsNamingThem) {
  Deployment site;
  const auto a = temp_path("diff-a.json"), b = temp_path("diff-b.json");
  auto args = probe_args(site, a);
  args.insert(args.end(), {"--shard", "0/2"});
  ASSERT_EQ(run_cli(args).exit_code, 0);
  args = probe_args(site, b);
  args[5] = "7";  // --requests-per-session: another test
  args.insert(args.end(), {"--shard", "1/2"});
  ASSERT_EQ(run_cli(args).exit_code, 0);
  auto r = merge({a, b}, {});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("stickycheck merge: " + a + " and " + b +
                       " are reports of different tests: scenario"),
            std::string::npos)
      << r.err;
}

TEST(Merge, NamesTheMissingShardAndTheDuplicate) {
  Deployment site;
  const auto a = temp_path("missing-a.json");
  auto args = probe_args(site, a);
  args.insert(args.end(), {"--shard", "0/2"});
  ASSERT_EQ(run_cli(args).exit_code, 0);
  auto missing = merge({a}, {});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.err, "stickycheck merge: shard 1/2 is missing: no report given has it\n");
  auto twice = merge({a, a}, {});
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_EQ(twice.err, "stickycheck merge: " + a + " and " + a + " are both shard 0/2\n");
}

TEST(Merge, RefusesAShardLeftFromAnEarlierRun) {
  Deployment site;
  const auto a = temp_path("run-a.json"), b = temp_path("run-b.json");
  auto args = probe_args(site, a);
  args.insert(args.end(), {"--shard", "0/2", "--run-id", "job-2"});
  ASSERT_EQ(run_cli(args).exit_code, 0);
  args = probe_args(site, b);
  args.insert(args.end(), {"--shard", "1/2", "--run-id", "job-1"});
  ASSERT_EQ(run_cli(args).exit_code, 0);
  auto r = merge({a, b}, {});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "stickycheck merge: " + a + " is of run 'job-2', " + b +
                       " of run 'job-1': reports of different runs (one left from an earlier "
                       "run?)\n");
}

TEST(Shards, ARunIdThatIsNoIdIsNamed) {
  auto r = run_cli({"probe", "http://127.0.0.1:9/", "--run-id", "a b", "--dry-run"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "stickycheck probe: --run-id: expected 1 to 128 letters, digits, '.', '_', ':' or "
            "'-', got 'a b'\n");
}

TEST(Merge, RefusesAReportOfAnOlderSchema) {
  Deployment site;
  const auto a = temp_path("old-schema.json");
  auto args = probe_args(site, a);
  ASSERT_EQ(run_cli(args).exit_code, 0);
  auto j = json::parse(read_file(a));
  j["schema_version"] = 2;
  {
    std::ofstream out(a);
    out << j.dump();
  }
  auto r = merge({a}, {});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(a + ": schema version 2 has no shard"), std::string::npos) << r.err;
}

TEST(Shards, AShardOptionThatIsNoShardIsNamed) {
  auto r = run_cli({"probe", "http://127.0.0.1:9/", "--shard", "3/3", "--dry-run"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "stickycheck probe: --shard: expected I/N, shard I of N counted from 0 (0 <= I < N "
            "<= 10000), got '3/3'\n");
}

TEST(Shards, MoreShardsThanSessionsIsRefused) {
  auto r = run_cli({"probe", "http://127.0.0.1:9/", "--sessions", "3", "--shard", "4/5",
                    "--dry-run"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "stickycheck probe: --shard: shard 4/5 would drive no session: the test has 3 "
            "sessions, fewer than 5 shards\n");
}

TEST(Shards, TheDryRunSaysWhichSessionsAndWhatShareAShardTakes) {
  auto r = run_cli({"probe", "http://127.0.0.1:9/", "--sessions", "50", "--rate", "30",
                    "--shard", "1/3", "--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("17 sessions x 10 requests = 170 requests (cap 680), 2 at a time, at "
                       "most 10.2 per second"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("shard 1/3: the 17 of the test's 50 sessions whose index is 1 modulo 3"),
            std::string::npos)
      << r.out;
}

}  // namespace
}  // namespace sc::test
