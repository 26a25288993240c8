// `stickycheck probe` through the real binary against a deployment it did not start: mock
// backends behind the reference balancer, started by the test. The PHP applications behind the
// real proxies are in probe_*_test.cpp files of their own.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "harness.hpp"
#include "reference_site.hpp"
#include "runner/ports.hpp"

namespace sc::test {
namespace {

nlohmann::json read_report(const std::string& path) {
  expect_valid_report(path);
  return nlohmann::json::parse(read_file(path));
}

TEST(Probe, StickyDeploymentPassesIdentifiedByTheApacheRouteCookie) {
  Deployment site;
  const std::string json = temp_path("probe-sticky.json");
  auto r = run_cli({"probe", site.url(), "--sessions", "20", "--rate", "1000", "--json", json});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto report = read_report(json);
  const auto& s = report["scenarios"][0];
  EXPECT_EQ(s["probe"]["identified_by"], "cookie:BALANCEID (Apache route)");
  EXPECT_EQ(s["probe"]["confidence"], "high");
  EXPECT_EQ(find_check(s, "affinity")["verdict"], "pass");
  EXPECT_EQ(s["metrics"]["sticky_sessions"], 20);
  EXPECT_EQ(s["metrics"]["backends"].size(), 2u);
}

TEST(Probe, WebLogicStyleRouteAfterABangInTheSessionIdIdentifiesTheBackend) {
  Deployment site("PHPSESSID", false, '!');
  const std::string json = temp_path("probe-bang.json");
  auto r = run_cli({"probe", site.url(), "--sessions", "20", "--rate", "1000", "--json", json});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto report = read_report(json);
  const auto& s = report["scenarios"][0];
  EXPECT_EQ(s["probe"]["identified_by"], "cookie:PHPSESSID (route after '!')");
  EXPECT_EQ(s["probe"]["confidence"], "high");
  EXPECT_EQ(find_check(s, "affinity")["verdict"], "pass");
  EXPECT_TRUE(s["metrics"]["backends"].contains("www1")) << s["metrics"];
  EXPECT_TRUE(s["metrics"]["backends"].contains("www2")) << s["metrics"];
}

// The mock backends lose sessions they do not hold (a new PHPSESSID): the losses fail the
// probe although nothing names the backend, and affinity is said to be undecided beside them.
TEST(Probe, LossesFailAProbeThatCannotTellTheBackendsApart) {
  Deployment site("PHPSESSID", false);
  const std::string json = temp_path("probe-no-identity.json");
  auto r = run_cli({"probe", site.url(), "--sessions", "10", "--rate", "1000", "--json", json});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("????  affinity"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("could not judge: nothing in the responses tells the backends apart"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("--identify header:NAME"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("FAIL  session_losses"), std::string::npos) << r.out;
  const auto s = read_report(json)["scenarios"][0];
  EXPECT_EQ(s["verdict"], "fail");
  EXPECT_EQ(find_check(s, "affinity")["verdict"], "inconclusive");
  EXPECT_GT(s["metrics"]["session_losses"].get<int>(), 0);
}

TEST(Probe, LossesOnlyRunsWhereNothingNamesTheBackend) {
  Deployment site("PHPSESSID", false);
  const std::string json = temp_path("probe-losses.json");
  auto r = run_cli({"probe", site.url(), "--sessions", "10", "--rate", "1000", "--expect",
                    "losses", "--json", json});
  auto report = read_report(json);
  const auto& s = report["scenarios"][0];
  EXPECT_EQ(s["probe"]["identified_by"], "none");
  EXPECT_EQ(find_check(s, "affinity")["verdict"], "not_applicable");
  EXPECT_NE(find_check(s, "session_losses")["verdict"], "not_applicable");
  EXPECT_EQ(r.exit_code, s["verdict"] == "pass" ? 0 : 1) << r.out;
}

TEST(Probe, ExplicitHeaderIdentifiesTheBackend) {
  Deployment site("PHPSESSID", false);
  const std::string json = temp_path("probe-header.json");
  run_cli({"probe", site.url(), "--sessions", "10", "--rate", "1000", "--identify",
           "header:X-Stickycheck-Backend", "--json", json});
  auto report = read_report(json);
  const auto& s = report["scenarios"][0];
  EXPECT_EQ(s["probe"]["identified_by"], "header:X-Stickycheck-Backend (as told)");
  EXPECT_TRUE(s["metrics"]["backends"].contains("www1")) << s["metrics"];
  EXPECT_TRUE(s["metrics"]["backends"].contains("www2")) << s["metrics"];
}

TEST(Probe, OverTheRequestCapRefusesToStartAndSaysWhy) {
  auto r = run_cli({"probe", "http://127.0.0.1:9/", "--sessions", "300", "--json", ""});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "stickycheck probe: --max-requests: the probe would send 3000 requests (300 "
            "sessions x 10), more than the cap of 2000; lower the sessions or the requests "
            "per session, or raise the cap\n");
}

TEST(Probe, BadOptionValuesNameTheOption) {
  auto r = run_cli({"probe", "http://127.0.0.1:9/", "--header", "no colon", "--identify",
                    "json:backend", "--json", ""});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("stickycheck probe: --header: expected 'Name: value'"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("stickycheck probe: --identify 'json:backend': expected an RFC 6901 "
                       "pointer"),
            std::string::npos)
      << r.err;
  auto url = run_cli({"probe", "ftp://example.com/", "--json", ""});
  EXPECT_EQ(url.exit_code, 2);
  EXPECT_NE(url.err.find("stickycheck probe: URL: expected an http:// or https:// URL"),
            std::string::npos)
      << url.err;
}

// The spec's own message already quotes its option: it is named once, not as
// "--identify: --identify 'bogus': ...".
TEST(Probe, BadIdentifyAndLostWhenSpecsNameTheirOptionOnce) {
  auto identify = run_cli({"probe", "http://127.0.0.1:1/", "--identify", "bogus", "--json", ""});
  EXPECT_EQ(identify.exit_code, 2);
  EXPECT_EQ(identify.err.rfind("stickycheck probe: --identify 'bogus': expected header:NAME", 0),
            0u)
      << identify.err;
  auto lost = run_cli({"probe", "http://127.0.0.1:1/", "--lost-when", "bogus", "--json", ""});
  EXPECT_EQ(lost.exit_code, 2);
  EXPECT_EQ(lost.err.rfind("stickycheck probe: --lost-when 'bogus': expected ", 0), 0u)
      << lost.err;
  EXPECT_EQ(identify.err.find("--identify: "), std::string::npos) << identify.err;
  EXPECT_EQ(lost.err.find("--lost-when: "), std::string::npos) << lost.err;
}

// A negative control leaves the losses unchecked unless told: the probe names the option
// that checks them, not the scenario key "expect.max_session_losses".
TEST(Probe, UncheckedLossesNameTheOptionThatWouldCheckThem) {
  Deployment site("PHPSESSID", false);
  const std::string json = temp_path("probe-no-affinity.json");
  auto r = run_cli({"probe", site.url(), "--sessions", "10", "--rate", "1000", "--expect",
                    "no-affinity", "--json", json});
  const auto s = read_report(json)["scenarios"][0];
  const auto& losses = find_check(s, "session_losses");
  EXPECT_EQ(losses["verdict"], "not_applicable") << r.out;
  const auto explanation = losses["explanation"].get<std::string>();
  EXPECT_NE(explanation.find("not checked: --expect no-affinity and no --max-session-losses"),
            std::string::npos)
      << explanation;
  EXPECT_EQ(explanation.find("expect."), std::string::npos) << explanation;
  EXPECT_EQ(r.out.find("expect.max_session_losses"), std::string::npos) << r.out;
}

TEST(Probe, BadPauseIsExitTwoNamingTheOption) {
  auto r = run_cli({"probe", "http://127.0.0.1:9/", "--pause", "soon", "--json", ""});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "stickycheck probe: --pause: expected a duration such as 500ms or 5s (at most 1 "
            "hour), got 'soon'\n");
}

TEST(Probe, DryRunShowsThePauseItsSpreadAndTheTimeItTakes) {
  auto r =
      run_cli({"probe", "http://127.0.0.1:9/", "--pause", "2s", "--rate", "1000", "--dry-run"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // 50 sessions 5 at a time: 10 rounds of 9 pauses of 2 s on average.
  EXPECT_NE(r.out.find("at most 1000 per second: about 180 s"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("pause: 2000 ms on average between a session's requests, each drawn "
                       "from [0, 4000 ms]"),
            std::string::npos)
      << r.out;
}

TEST(Probe, DryRunPrintsThePlanAndSendsNothing) {
  auto r = run_cli({"probe", "http://127.0.0.1:9/shop", "--path", "/cart", "--header",
                    "X-Run: 42", "--rate", "5", "--dry-run"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("50 sessions x 10 requests = 500 requests (cap 2000), 5 at a time, at "
                       "most 5 per second: about 100 s"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("paths: /cart"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("X-Run: 42"), std::string::npos) << r.out;
}

// A socket.io probe's plan counts HTTP requests (50 x (2 x 10 + 5)), not events, against the
// cap and the rate, and says what a session sends.
TEST(Probe, DryRunOfSocketIoCountsTheHttpRequestsItMaySend) {
  auto r = run_cli({"probe", "http://127.0.0.1:9/", "--protocol", "socket.io", "--identify",
                    "ack:whoami", "--rate", "25", "--dry-run"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("50 socket.io sessions x 10 events = at most 1250 HTTP requests (cap "
                       "2000), 5 at a time, at most 25 per second: about 50 s"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("socket.io at /socket.io/ over polling, websocket: each event "
                       "acknowledged"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("made-up session id"), std::string::npos) << r.out;
}

TEST(Probe, UnreachableTargetIsExitThree) {
  auto ports = allocate_loopback_ports(1);
  ASSERT_TRUE(ports.ok());
  const std::string url = "http://127.0.0.1:" + std::to_string((*ports)[0]) + "/";
  auto r = run_cli({"probe", url, "--json", ""});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("cannot be reached"), std::string::npos) << r.out;
}

TEST(Probe, ScenarioWithATargetRunsAsAProbeUnderRun) {
  Deployment site;
  const std::string file = temp_path("probe-target.yaml");
  std::ofstream(file) << "name: staging sticks\ntarget:\n  url: " << site.url()
                      << "\n  rate: 1000\ntraffic:\n  sessions: 12\n  requests_per_session: 4\n"
                         "expect:\n  min_sticky_share: 1\n";
  const std::string json = temp_path("probe-target.json");
  auto r = run_cli({"run", file, "--json", json});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto report = read_report(json);
  const auto& s = find_scenario(report, "staging sticks");
  EXPECT_EQ(s["metrics"]["requests"], 48);
  EXPECT_EQ(s["probe"]["identified_by"], "cookie:BALANCEID (Apache route)");
}

}  // namespace
}  // namespace sc::test
