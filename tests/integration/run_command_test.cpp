// The real binary on test fixtures, on several proxies at once and on broken input: verdicts,
// reports, exit codes. (Each shipped scenario has its own test: shipped_scenarios_test.cpp.)
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "harness.hpp"

namespace sc::test {
namespace {

// One scenario per proxy type, each showing the same behaviour: the run puts them side by
// side in the matrix. (Each shipped scenario's own verdict: shipped_scenarios_test.cpp.)
TEST(RunCommand, MatrixPutsEveryProxyTypeSideBySide) {
  const std::string json = temp_path("matrix.json");
  auto r = run_cli(
      {"run", "scenarios/apache-routeid-recipe.yaml", "scenarios/haproxy-cookie-insert.yaml",
       "scenarios/nginx-hash-cookie-consistent.yaml", "scenarios/caddy-lb-policy-cookie.yaml",
       "scenarios/seed-balanceid-route-cookie.yaml", "--json", json, "--no-color"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  expect_valid_report(json);
  auto report = nlohmann::json::parse(read_file(json));
  EXPECT_EQ(report["schema_version"], 3);
  EXPECT_EQ(report["exit_code"], 0);
  EXPECT_EQ(report["matrix"]["proxies"],
            nlohmann::json({"apache", "haproxy", "nginx", "caddy", "reference"}));
  EXPECT_NE(r.out.find("| route cookie set by the proxy"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("5 scenarios: 5 pass, 0 fail, 0 error"), std::string::npos) << r.out;
}

TEST(RunCommand, DisturbanceExpectationThatDoesNotHoldFails) {
  const std::string json = temp_path("drain.json");
  auto r = run_cli({"run", "fixtures/scenarios/drain-expect-move.yaml", "--json", json});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  expect_valid_report(json);
  auto report = nlohmann::json::parse(read_file(json));
  const auto& s = find_scenario(report, "drain-expect-move");
  EXPECT_EQ(find_check(s, "disturbances[0].disturbed_sessions")["verdict"], "fail");
  EXPECT_EQ(find_check(s, "disturbances[0].collateral")["verdict"], "pass");
}

TEST(RunCommand, RestartAndAddRealBackends) {
  const std::string json = temp_path("restart.json");
  auto r = run_cli({"run", "fixtures/scenarios/restart-and-add.yaml", "--json", json});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  expect_valid_report(json);
  auto report = nlohmann::json::parse(read_file(json));
  const auto& s = find_scenario(report, "restart-and-add");
  const auto& restart = s["disturbances"][0];
  EXPECT_TRUE(restart["fired"].get<bool>());
  // While the new process binds its port the member is put in error: its sessions move.
  EXPECT_GT(restart["sessions"]["served_elsewhere"].get<int>(), 0);
  EXPECT_GT(restart["sessions"]["lost"].get<int>(), 0) << restart.dump();
  EXPECT_TRUE(s["disturbances"][1]["fired"].get<bool>());
  EXPECT_FALSE(s["disturbances"][1].contains("error"));
}

TEST(RunCommand, AffinityExpectedButImpossibleFailsWithExitOneAndTheCause) {
  const std::string json = temp_path("fail.json");
  auto r = run_cli({"run", "fixtures/scenarios/phpsessid-expect-affinity.yaml", "--json", json,
                    "--no-color"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("FAIL  phpsessid-expect-affinity"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("carries no route"), std::string::npos) << r.out;
  expect_valid_report(json);
  auto report = nlohmann::json::parse(read_file(json));
  const auto& s = find_scenario(report, "phpsessid-expect-affinity");
  EXPECT_EQ(s["verdict"], "fail");
  EXPECT_EQ(find_check(s, "affinity")["verdict"], "fail");
  EXPECT_EQ(find_check(s, "session_losses")["verdict"], "fail");
  EXPECT_FALSE(s["diagnosis"].empty());
}

TEST(RunCommand, BrokenScenarioIsExitTwoWithLocatedErrorsAndNothingStarted) {
  const std::string json = temp_path("broken.json");
  auto r = run_cli({"run", "scenarios/seed-balanceid-route-cookie.yaml",
                    "fixtures/scenarios/broken-typo.yaml", "--json", json});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "fixtures/scenarios/broken-typo.yaml:5:5: backends[0].wieght: unknown key; did you "
            "mean 'weight'?\n"
            "fixtures/scenarios/broken-typo.yaml:11:13: traffic.sessions: expected a whole "
            "number from 1 to 10000000, got 'lots'\n");
  EXPECT_EQ(r.out, "");  // no scenario ran, not even the valid one
  EXPECT_FALSE(std::filesystem::exists(json));
}

TEST(RunCommand, ApacheConfigErrorsAreLocatedInBothFiles) {
  auto r = run_cli({"run", "fixtures/scenarios/apache-conf-typo.yaml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "fixtures/scenarios/apache-conf-typo.yaml:6:16: proxy.apache_conf: "
            "fixtures/apache/failover-off-typo.conf:5: ProxySet: unknown Balancer parameter "
            "'failover' (did you mean 'nofailover'?)\n");
}

TEST(RunCommand, ApacheConfRouteTheBackendCannotWriteIsExitTwoAndNothingStarts) {
  const std::string tmp = temp_path("bad-route-runtime");
  std::filesystem::create_directories(tmp);
  auto r = run_cli({"run", "fixtures/scenarios/apache-conf-bad-route.yaml", "--json", ""},
                   std::chrono::seconds(60), {"TMPDIR=" + tmp});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "fixtures/scenarios/apache-conf-bad-route.yaml:6:16: proxy.apache_conf: "
            "fixtures/apache/route-not-a-token.conf:5: BalancerMember route: expected a route of "
            "at most 64 letters, digits, '-', '_', '.' or '~', got 'www2;admin=1'\n");
  EXPECT_TRUE(std::filesystem::is_empty(tmp));  // no runtime directory: nothing started
}

// TMPDIR with a blank: every real proxy reads its runtime paths quoted. The directory is made
// world-readable (not under the tests' 0700 temp directory) because httpd drops to nobody.
TEST(RunCommand, RuntimeDirectoryUnderAPathWithABlankWorksForEveryRealProxy) {
  const std::string tmp = (std::filesystem::temp_directory_path() /
                           ("stickycheck runtime " + std::to_string(::getpid())))
                              .string();
  std::filesystem::create_directories(tmp);
  std::filesystem::permissions(tmp, std::filesystem::perms(0755));
  auto r = run_cli(
      {"run", "scenarios/apache-routeid-recipe.yaml", "scenarios/haproxy-cookie-insert.yaml",
       "scenarios/nginx-hash-cookie-consistent.yaml", "scenarios/caddy-lb-policy-cookie.yaml",
       "--json", "", "--no-color"},
      std::chrono::seconds(120), {"TMPDIR=" + tmp});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("4 scenarios: 4 pass, 0 fail, 0 error"), std::string::npos) << r.out;
  EXPECT_TRUE(std::filesystem::is_empty(tmp));  // each runtime directory removed
  std::filesystem::remove_all(tmp);
}

TEST(RunCommand, RuntimeDirectoryNoQuotingProtectsIsExitTwoAndLeavesNothing) {
  const std::string tmp = temp_path("price$tag");
  std::filesystem::create_directories(tmp);
  auto r = run_cli({"run", "scenarios/haproxy-cookie-insert.yaml", "--json", ""},
                   std::chrono::seconds(60), {"TMPDIR=" + tmp});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("fixtures/haproxy/cookie-insert.cfg.in: the runtime directory " + tmp +
                       "/stickycheck-check."),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(" holds '$', which a haproxy configuration cannot hold even quoted; set "
                       "TMPDIR to a directory without it\n"),
            std::string::npos)
      << r.err;
  EXPECT_TRUE(std::filesystem::is_empty(tmp));
}

TEST(RunCommand, MissingScenarioAndBadOptionsAreExitTwo) {
  auto missing = run_cli({"run", "scenarios/no-such.yaml"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.err, "stickycheck run: scenarios/no-such.yaml: no such scenario file or directory\n");
  auto bad = run_cli({"run"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("scenarios is required"), std::string::npos) << bad.err;
  auto unknown = run_cli({"frobnicate"});
  EXPECT_EQ(unknown.exit_code, 2);
}

TEST(RunCommand, JsonScenarioRuns) {
  const std::string path = temp_path("tiny.json");
  {
    std::ofstream f(path);
    f << R"({"name": "tiny-json", "backends": [{"name": "a"}, {"name": "b"}],
             "backend_defaults": {"route_cookie": "BALANCEID=x.{route}; path=/"},
             "proxy": {"stickysession": "BALANCEID"},
             "traffic": {"sessions": 20, "requests_per_session": 3, "concurrency": 4}})";
  }
  const std::string json = temp_path("tiny-report.json");
  auto r = run_cli({"run", path, "--json", json});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  expect_valid_report(json);
  auto report = nlohmann::json::parse(read_file(json));
  EXPECT_EQ(report["scenarios"][0]["metrics"]["sticky_sessions"], 20);
  // 10 sessions per backend: expected counts of 10 make the chi-square test applicable.
  EXPECT_EQ(report["scenarios"][0]["statistics"]["distribution"]["applicable"], true);
}

// Every phase that ran took time, the terminal says so too, and the parts add up to at most
// the scenario's duration.
TEST(RunCommand, ReportTellsWhereTheTimeWent) {
  const std::string json = temp_path("timings.json");
  auto r =
      run_cli({"run", "scenarios/seed-balanceid-route-cookie.yaml", "--json", json, "--no-color"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  expect_valid_report(json);
  const auto s = nlohmann::json::parse(read_file(json))["scenarios"][0];
  const auto& t = s["timings"];
  double sum = 0;
  for (const char* phase : {"startup_s", "traffic_s", "checks_s", "report_s", "teardown_s"}) {
    EXPECT_GT(t[phase].get<double>(), 0) << phase;
    sum += t[phase].get<double>();
  }
  EXPECT_LE(sum, s["duration_s"].get<double>());
  EXPECT_GT(t["peak_rss_bytes"].get<long long>(), 1 << 20);
  EXPECT_NE(r.out.find("time: start-up "), std::string::npos) << r.out;
}

// The proxy starts only once every backend accepts connections: its command exits 7, and
// the run errs, if any backend does not when it starts.
TEST(RunCommand, TheProxyStartsOnlyOnceEveryBackendAcceptsConnections) {
  auto r = run_cli({"run", "fixtures/scenarios/proxy-starts-after-backends.yaml", "--json", "",
                    "--no-color"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ((r.out + r.err).find("was not accepting connections yet"), std::string::npos)
      << r.out << r.err;
}

// A plain-http run goes through the lean client, and the report and terminal say so.
TEST(RunCommand, ReportNamesTheClientThatCarriedTheTraffic) {
  const std::string json = temp_path("client.json");
  auto r =
      run_cli({"run", "scenarios/seed-balanceid-route-cookie.yaml", "--json", json, "--no-color"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  expect_valid_report(json);
  EXPECT_EQ(nlohmann::json::parse(read_file(json))["scenarios"][0]["client"], "lean");
  EXPECT_NE(r.out.find("; client lean"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace sc::test
