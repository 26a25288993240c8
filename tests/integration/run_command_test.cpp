// The real binary on the shipped scenarios and on broken input: verdicts, reports, exit codes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "harness.hpp"

namespace sc::test {
namespace {

const nlohmann::json& scenario_named(const nlohmann::json& report, const std::string& name) {
  for (const auto& s : report["scenarios"])
    if (s["name"] == name) return s;
  static const nlohmann::json none;
  ADD_FAILURE() << "no scenario " << name << " in the report";
  return none;
}

const nlohmann::json& check_named(const nlohmann::json& scenario, const std::string& id) {
  for (const auto& c : scenario["checks"])
    if (c["id"] == id) return c;
  static const nlohmann::json none;
  ADD_FAILURE() << "no check " << id;
  return none;
}

TEST(RunCommand, ShippedScenariosGiveTheirVerdicts) {
  const std::string json = temp_path("shipped.json");
  auto r = run_cli({"run", "scenarios/", "--json", json, "--no-color"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto report = nlohmann::json::parse(read_file(json));
  EXPECT_EQ(report["schema_version"], 2);
  EXPECT_EQ(report["exit_code"], 0);
  ASSERT_GE(report["scenarios"].size(), 4u);

  const auto& recipe = scenario_named(report, "apache-manual-routeid-recipe");
  EXPECT_EQ(recipe["verdict"], "pass");
  EXPECT_EQ(recipe["metrics"]["sticky_sessions"], 200);
  EXPECT_EQ(recipe["metrics"]["sticky_cookie"]["examples"], nlohmann::json({".1", ".2"}));

  const auto& php = scenario_named(report, "seed-phpsessid-no-route");
  EXPECT_EQ(php["verdict"], "pass");
  EXPECT_EQ(php["metrics"]["sessions"], 200);
  EXPECT_EQ(php["metrics"]["requests"], 2000);
  // Round robin lets a few lockstep sessions stick by accident (up to 15% seen), never half.
  EXPECT_LT(php["metrics"]["sticky_sessions"].get<int>(), 100);
  EXPECT_GT(php["metrics"]["session_losses"].get<int>(), 100);
  EXPECT_GT(php["metrics"]["backend_switches"].get<int>(), 200);
  EXPECT_EQ(php["metrics"]["sticky_cookie"]["values_with_separator"], 0);
  const auto& affinity = check_named(php, "affinity");
  EXPECT_EQ(affinity["verdict"], "pass");
  EXPECT_NE(affinity["explanation"].get<std::string>().find(
                "the sticky cookie PHPSESSID carries no route"),
            std::string::npos);

  const auto& route = scenario_named(report, "seed-balanceid-route-cookie");
  EXPECT_EQ(route["verdict"], "pass");
  EXPECT_EQ(route["metrics"]["sticky_sessions"], 200);
  EXPECT_EQ(route["metrics"]["session_losses"], 0);
  EXPECT_EQ(route["metrics"]["errors"], 0);
  EXPECT_EQ(route["metrics"]["backends"]["www1"]["first_requests"].get<int>() +
                route["metrics"]["backends"]["www2"]["first_requests"].get<int>(),
            200);

  const auto& weighted = scenario_named(report, "weighted-byrequests-distribution");
  EXPECT_EQ(weighted["verdict"], "pass");
  EXPECT_EQ(check_named(weighted, "distribution")["verdict"], "pass");
  EXPECT_EQ(weighted["statistics"]["distribution"]["n"], 400);
  EXPECT_EQ(weighted["statistics"]["distribution"]["df"], 2);

  EXPECT_NE(r.out.find("PASS  seed-balanceid-route-cookie"), std::string::npos);
  const auto& killed = scenario_named(report, "reference-kill-member-failover");
  EXPECT_EQ(killed["verdict"], "pass");
  const auto& moved = killed["disturbances"][0]["sessions"];
  EXPECT_GT(moved["bound"].get<int>(), 0);
  EXPECT_EQ(moved["served_by_disturbed"], 0);
  EXPECT_EQ(moved["moved"], moved["bound"]);
  EXPECT_GT(moved["lost"].get<int>(), 0);  // PHP sessions do not survive a move
  const auto& drained = scenario_named(report, "reference-drain-keeps-sticky-sessions");
  EXPECT_EQ(drained["disturbances"][0]["sessions"]["moved"], 0);
  EXPECT_EQ(check_named(drained, "disturbances[0].new_sessions")["verdict"], "pass");

  // The real HAProxy, started by the run: its inserted cookie holds every session.
  const auto& haproxy = scenario_named(report, "haproxy-cookie-insert");
  EXPECT_EQ(haproxy["verdict"], "pass");
  EXPECT_EQ(haproxy["proxy"]["type"], "haproxy");
  EXPECT_EQ(haproxy["metrics"]["sticky_sessions"], 200);
  const auto& redispatch = scenario_named(report, "haproxy-kill-server-redispatch");
  EXPECT_GT(redispatch["disturbances"][0]["sessions"]["moved"].get<int>(), 0);

  // The real Apache, nginx and Caddy, and the matrix that puts them side by side.
  EXPECT_EQ(scenario_named(report, "apache-phpsessid-no-route")["proxy"]["stickysession"],
            "PHPSESSID");  // read from the template, for the diagnosis
  EXPECT_NE(
      check_named(scenario_named(report, "apache-phpsessid-no-route"), "affinity")["explanation"]
          .get<std::string>()
          .find("carries no route"),
      std::string::npos);
  const auto& hash = scenario_named(report, "nginx-hash-cookie-consistent");
  EXPECT_EQ(check_named(hash, "moves")["verdict"], "pass");
  EXPECT_NE(check_named(hash, "affinity")["explanation"].get<std::string>().find(
                "did so only between their first and second request"),
            std::string::npos);
  const auto& one = scenario_named(report, "nginx-ip-hash-one-client");
  EXPECT_NE(check_named(one, "distribution")["explanation"].get<std::string>().find(
                "all came from the one address 127.0.0.1"),
            std::string::npos);
  EXPECT_EQ(
      check_named(scenario_named(report, "nginx-ip-hash-many-clients"), "distribution")["verdict"],
      "pass");
  EXPECT_EQ(scenario_named(report, "caddy-lb-policy-cookie")["metrics"]["sticky_sessions"], 200);
  EXPECT_GT(
      scenario_named(report,
                     "haproxy-kill-server-no-redispatch")["disturbances"][0]["sessions"]["errors"]
          .get<int>(),
      0);
  EXPECT_EQ(report["matrix"]["proxies"],
            nlohmann::json({"apache", "haproxy", "nginx", "caddy", "reference"}));
  EXPECT_NE(r.out.find("| route cookie set by the proxy"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("19 scenarios: 19 pass, 0 fail, 0 error"), std::string::npos);
}

TEST(RunCommand, DisturbanceExpectationThatDoesNotHoldFails) {
  const std::string json = temp_path("drain.json");
  auto r = run_cli({"run", "fixtures/scenarios/drain-expect-move.yaml", "--json", json});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  auto report = nlohmann::json::parse(read_file(json));
  const auto& s = scenario_named(report, "drain-expect-move");
  EXPECT_EQ(check_named(s, "disturbances[0].disturbed_sessions")["verdict"], "fail");
  EXPECT_EQ(check_named(s, "disturbances[0].collateral")["verdict"], "pass");
}

TEST(RunCommand, RestartAndAddRealBackends) {
  const std::string json = temp_path("restart.json");
  auto r = run_cli({"run", "fixtures/scenarios/restart-and-add.yaml", "--json", json});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  auto report = nlohmann::json::parse(read_file(json));
  const auto& s = scenario_named(report, "restart-and-add");
  const auto& restart = s["disturbances"][0];
  EXPECT_TRUE(restart["fired"].get<bool>());
  // While the new process binds its port the member is put in error: its sessions move.
  EXPECT_GT(restart["sessions"]["served_elsewhere"].get<int>(), 0);
  EXPECT_GT(restart["sessions"]["lost"].get<int>(), 0);
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
  auto report = nlohmann::json::parse(read_file(json));
  const auto& s = scenario_named(report, "phpsessid-expect-affinity");
  EXPECT_EQ(s["verdict"], "fail");
  EXPECT_EQ(check_named(s, "affinity")["verdict"], "fail");
  EXPECT_EQ(check_named(s, "session_losses")["verdict"], "fail");
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
  auto report = nlohmann::json::parse(read_file(json));
  EXPECT_EQ(report["scenarios"][0]["metrics"]["sticky_sessions"], 20);
  // 10 sessions per backend: expected counts of 10 make the chi-square test applicable.
  EXPECT_EQ(report["scenarios"][0]["statistics"]["distribution"]["applicable"], true);
}

}  // namespace
}  // namespace sc::test
