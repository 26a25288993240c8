// One test per file in scenarios/, named after it (like an HAProxy reg-test): the real binary
// runs that scenario alone and it must pass (a proxy that is not installed skips it outside
// CI and is an error in CI), its report must match the schema, and what the scenario is there
// to show is checked by name.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>

#include "harness.hpp"

namespace sc::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string explanation(const json& scenario, const std::string& check_id) {
  return find_check(scenario, check_id)["explanation"].get<std::string>();
}

// What each scenario shows beyond passing, by the scenario's name.

// Every one of the 200 sessions stays on its member, and no PHP session is lost.
void every_session_sticks(const json& s) {
  EXPECT_EQ(s["metrics"]["sessions"], 200);
  EXPECT_EQ(s["metrics"]["sticky_sessions"], 200);
  EXPECT_EQ(s["metrics"]["session_losses"], 0);
}

// The killed member's sessions all move, without an error, and no other session moves.
void killed_members_sessions_move(const json& s) {
  const auto& d = s["disturbances"][0]["sessions"];
  EXPECT_GT(d["bound"].get<int>(), 0);
  EXPECT_EQ(d["moved"], d["bound"]);
  EXPECT_EQ(d["served_by_disturbed"], 0);
  EXPECT_EQ(d["errors"], 0);
  EXPECT_EQ(d["collateral"], 0);
  EXPECT_EQ(find_check(s, "disturbances[0].recovery")["verdict"], "pass");
}

// With failover off the killed member's sessions fail from then on (503) and never move; no
// other session moves.
void killed_members_sessions_fail(const json& s) {
  const auto& d = s["disturbances"][0]["sessions"];
  EXPECT_GT(d["bound"].get<int>(), 0);
  EXPECT_EQ(d["moved"], 0);
  EXPECT_EQ(d["never_served_again"], d["bound"]);
  EXPECT_GT(d["errors"].get<int>(), 0);
  EXPECT_EQ(d["collateral"], 0);
  EXPECT_EQ(find_check(s, "disturbances[0].disturbed_sessions")["verdict"], "pass");
}

void apache_manual_routeid_recipe(const json& s) {
  EXPECT_EQ(s["metrics"]["sticky_sessions"], 200);
  EXPECT_EQ(s["metrics"]["sticky_cookie"]["examples"], json({".1", ".2"}));
}

void apache_phpsessid_no_route(const json& s) {
  // Read from the template, for the diagnosis.
  EXPECT_EQ(s["proxy"]["stickysession"], "PHPSESSID");
  EXPECT_NE(explanation(s, "affinity").find("carries no route"), std::string::npos);
}

void seed_phpsessid_no_route(const json& s) {
  const auto& m = s["metrics"];
  EXPECT_EQ(m["sessions"], 200);
  EXPECT_EQ(m["requests"], 2000);
  // Round robin lets a few lockstep sessions stick by accident (up to 15% seen), never half.
  EXPECT_LT(m["sticky_sessions"].get<int>(), 100);
  EXPECT_GT(m["session_losses"].get<int>(), 100);
  EXPECT_GT(m["backend_switches"].get<int>(), 200);
  EXPECT_EQ(m["sticky_cookie"]["values_with_separator"], 0);
  EXPECT_NE(explanation(s, "affinity").find("the sticky cookie PHPSESSID carries no route"),
            std::string::npos);
}

void seed_balanceid_route_cookie(const json& s) {
  const auto& m = s["metrics"];
  EXPECT_EQ(m["sticky_sessions"], 200);
  EXPECT_EQ(m["session_losses"], 0);
  EXPECT_EQ(m["errors"], 0);
  EXPECT_EQ(m["backends"]["www1"]["first_requests"].get<int>() +
                m["backends"]["www2"]["first_requests"].get<int>(),
            200);
}

// The manual's recipe with its Domain: requests for a host in the domain keep the cookie.
void seed_balanceid_recipe_host(const json& s) {
  every_session_sticks(s);
  EXPECT_EQ(s["traffic"]["host"], "www.example.com");
  EXPECT_GT(s["metrics"]["sticky_cookie"]["requests_carrying"].get<int>(), 0);
}

// A host outside the domain: no client stores it, and the cause names the attribute.
void seed_balanceid_recipe_other_host(const json& s) {
  EXPECT_EQ(s["metrics"]["sticky_cookie"]["requests_carrying"], 0);
  EXPECT_LT(s["metrics"]["sticky_sessions"].get<int>(), 100);
  EXPECT_NE(explanation(s, "affinity")
                .find("BALANCEID was set with domain=.example.com, which does not cover the host "
                      "www.example.org: no client stores it (as set: BALANCEID=balancer.www"),
            std::string::npos)
      << explanation(s, "affinity");
}

void weighted_byrequests_distribution(const json& s) {
  EXPECT_EQ(find_check(s, "distribution")["verdict"], "pass");
  EXPECT_EQ(s["statistics"]["distribution"]["n"], 400);
  EXPECT_EQ(s["statistics"]["distribution"]["df"], 2);
}

void reference_kill_member_failover(const json& s) {
  const auto& moved = s["disturbances"][0]["sessions"];
  EXPECT_GT(moved["bound"].get<int>(), 0);
  EXPECT_EQ(moved["served_by_disturbed"], 0);
  EXPECT_EQ(moved["moved"], moved["bound"]);
  EXPECT_GT(moved["lost"].get<int>(), 0);  // PHP sessions do not survive a move
}

void reference_drain_keeps_sticky_sessions(const json& s) {
  EXPECT_EQ(s["disturbances"][0]["sessions"]["moved"], 0);
  EXPECT_EQ(find_check(s, "disturbances[0].new_sessions")["verdict"], "pass");
}

// The real HAProxy, started by the run: its inserted cookie holds every session.
void haproxy_cookie_insert(const json& s) {
  EXPECT_EQ(s["proxy"]["type"], "haproxy");
  EXPECT_EQ(s["metrics"]["sticky_sessions"], 200);
}

void haproxy_kill_server_redispatch(const json& s) {
  EXPECT_GT(s["disturbances"][0]["sessions"]["moved"].get<int>(), 0);
}

void haproxy_kill_server_no_redispatch(const json& s) {
  EXPECT_GT(s["disturbances"][0]["sessions"]["errors"].get<int>(), 0);
}

void nginx_hash_cookie_consistent(const json& s) {
  EXPECT_EQ(find_check(s, "moves")["verdict"], "pass");
  EXPECT_NE(explanation(s, "affinity").find("did so only between their first and second request"),
            std::string::npos);
}

void nginx_ip_hash_one_client(const json& s) {
  EXPECT_NE(explanation(s, "distribution").find("all came from the one address 127.0.0.1"),
            std::string::npos);
}

// socket.io sessions kept on their node by a route cookie, which the clients saw.
void socketio_route_cookie_sticks(const json& s) {
  every_session_sticks(s);
  EXPECT_FALSE(s["cookies"].empty());
  EXPECT_EQ(s["traffic"]["protocol"], "socket.io");
}

// Without stickiness most polls and POSTs reach the node that did not issue the sid: engine.io's
// 400 "Session ID unknown", counted as losses, and sessions that reconnect elsewhere.
void socketio_polling_round_robin(const json& s) {
  const auto& m = s["metrics"];
  EXPECT_EQ(m["requests"], 2000);
  EXPECT_LT(m["sticky_sessions"].get<int>(), 100);
  EXPECT_GT(m["session_losses"].get<int>(), 1000);
  EXPECT_GT(m["backend_switches"].get<int>(), 200);
  // The socket.io cause comes first (and in the affinity check), the balancer's own after it.
  EXPECT_NE(explanation(s, "affinity").find("socket.io events met engine.io's \"Session ID unknown\""),
            std::string::npos);
  ASSERT_EQ(s["diagnosis"].size(), 2u) << s["diagnosis"].dump();
  EXPECT_EQ(s["diagnosis"][1], "no stickysession is configured, so the balancer balances every request afresh");
}

// The polls, the upgrade and the WebSocket after it all reached the node that issued the sid.
void socketio_upgrade_sticks(const json& s) {
  socketio_route_cookie_sticks(s);
  EXPECT_EQ(s["traffic"]["transports"], json({"polling", "websocket"}));
  EXPECT_EQ(s["metrics"]["errors"], 0);  // a refused upgrade would be one
}

// One WebSocket per session: it sticks through a round robin, and the report says why.
void websocket_needs_no_stickiness(const json& s) {
  EXPECT_EQ(s["metrics"]["sticky_sessions"], 200);
  EXPECT_EQ(s["metrics"]["errors"], 0);
  EXPECT_EQ(s["metrics"]["backends"].size(), 2u);  // the round robin spread the connections
  EXPECT_NE(explanation(s, "affinity").find("each session is one WebSocket connection"),
            std::string::npos);
}

// The killed node's socket.io sessions each lose their connection, then reconnect to the other
// node (a new sid), all of them, and no other session moves.
void socketio_clients_reconnect_elsewhere(const json& s) {
  const auto& d = s["disturbances"][0]["sessions"];
  EXPECT_GT(d["moved"].get<int>(), 0);
  // A session whose last event was the one cut by the kill has nothing left to be served.
  EXPECT_EQ(d["moved"].get<int>() + d["never_served_again"].get<int>(), d["bound"].get<int>());
  EXPECT_EQ(d["recovered"], d["moved"]);
  EXPECT_GT(d["errors"].get<int>() + d["in_flight_failed"].get<int>(), 0);
  EXPECT_EQ(d["served_by_disturbed"], 0);
  EXPECT_EQ(d["collateral"], 0);
  EXPECT_EQ(find_check(s, "disturbances[0].recovery")["verdict"], "pass");
}

// The reference balancer's tunnels to the killed member close the clients' side at once: they
// are back within tens of milliseconds, not after a ping's deadline (25 s + 20 s).
void reference_tunnel_closes_with_its_member(const json& s) {
  socketio_clients_reconnect_elsewhere(s);
  EXPECT_LT(s["disturbances"][0]["sessions"]["recovery_max_us"].get<long long>(), 2'000'000);
}

void nginx_ip_hash_many_clients(const json& s) {
  EXPECT_EQ(find_check(s, "distribution")["verdict"], "pass");
}

void caddy_lb_policy_cookie(const json& s) { EXPECT_EQ(s["metrics"]["sticky_sessions"], 200); }

// Every session logged in (the token matched, the form was accepted) and kept its account
// page on the backend that holds the logged-in session; each step counted apart.
void login_sticks(const json& s) {
  const auto& m = s["metrics"];
  EXPECT_EQ(m["sessions"], 100);
  EXPECT_EQ(m["sticky_sessions"], 100);
  EXPECT_EQ(m["step_failures"], 0);
  EXPECT_EQ(m["unjudged_requests"], 100);  // the login pages
  ASSERT_EQ(m["steps"].size(), 3u);
  EXPECT_EQ(m["steps"][1]["name"], "log in");
  EXPECT_EQ(m["steps"][2]["requests"], 800);
}

// The hash of the session id follows the id, and the login changes it: logged-in sessions
// move and meet the login page again.
void login_hash_moves(const json& s) {
  const auto& m = s["metrics"];
  EXPECT_GT(m["steps"][2]["session_losses"].get<int>(), 5);
  EXPECT_LT(m["sticky_sessions"].get<int>(), m["sessions"].get<int>());
}

// PHPSESSID names no member: most forms reach the backend that did not issue their token,
// and the explanation names the step that broke and why.
void login_phpsessid_breaks(const json& s) {
  const auto& m = s["metrics"];
  // Refused logins begin no session; the others are sent back to the login page.
  EXPECT_GT(m["sessions_not_begun"].get<int>(), 10);
  // Round robin lets a session in step with the others keep its node now and then (2 of 45
  // seen), never half.
  EXPECT_LT(m["sticky_sessions"].get<int>() * 2, m["sessions"].get<int>());
  EXPECT_GT(m["steps"][2]["session_losses"].get<int>(), 10);
  EXPECT_GT(m["step_failures"].get<int>(), 30);
  EXPECT_GT(m["steps"][1]["errors"].get<int>(), 30);
  EXPECT_EQ(m["steps"][1]["top_error"], "step 'log in': expected HTTP 302 or 303, got 403");
  EXPECT_NE(explanation(s, "errors").find("first failing step: log in"), std::string::npos);
}

const std::map<std::string, std::function<void(const json&)>>& what_they_show() {
  static const std::map<std::string, std::function<void(const json&)>> table = {
      {"apache-balanceid-route-cookie", every_session_sticks},
      {"apache-routeid-recipe", every_session_sticks},
      {"apache-kill-member-failover", killed_members_sessions_move},
      {"apache-kill-member-nofailover", killed_members_sessions_fail},
      {"reference-kill-member-nofailover", killed_members_sessions_fail},
      {"apache-manual-routeid-recipe", apache_manual_routeid_recipe},
      {"apache-phpsessid-no-route", apache_phpsessid_no_route},
      {"seed-phpsessid-no-route", seed_phpsessid_no_route},
      {"seed-balanceid-route-cookie", seed_balanceid_route_cookie},
      {"seed-balanceid-recipe-host", seed_balanceid_recipe_host},
      {"seed-balanceid-recipe-other-host", seed_balanceid_recipe_other_host},
      {"weighted-byrequests-distribution", weighted_byrequests_distribution},
      {"reference-kill-member-failover", reference_kill_member_failover},
      {"reference-drain-keeps-sticky-sessions", reference_drain_keeps_sticky_sessions},
      {"haproxy-cookie-insert", haproxy_cookie_insert},
      {"haproxy-kill-server-redispatch", haproxy_kill_server_redispatch},
      {"haproxy-kill-server-no-redispatch", haproxy_kill_server_no_redispatch},
      {"nginx-hash-cookie-consistent", nginx_hash_cookie_consistent},
      {"nginx-ip-hash-one-client", nginx_ip_hash_one_client},
      {"nginx-ip-hash-many-clients", nginx_ip_hash_many_clients},
      {"caddy-lb-policy-cookie", caddy_lb_policy_cookie},
      {"reference-login-route-cookie", login_sticks},
      {"haproxy-login-cookie-insert", login_sticks},
      {"apache-login-routeid-recipe", login_sticks},
      {"caddy-login-lb-cookie", login_sticks},
      {"nginx-login-hash-cookie", login_hash_moves},
      {"seed-phpsessid-login", login_phpsessid_breaks},
      {"reference-socketio-polling-route-cookie", socketio_route_cookie_sticks},
      {"apache-socketio-polling-route-cookie", socketio_route_cookie_sticks},
      {"haproxy-socketio-polling-cookie-insert", socketio_route_cookie_sticks},
      {"reference-socketio-polling-round-robin", socketio_polling_round_robin},
      {"nginx-socketio-polling-ip-hash", every_session_sticks},
      {"haproxy-socketio-websocket-cookie-insert", socketio_upgrade_sticks},
      {"apache-socketio-serverid-recipe", socketio_upgrade_sticks},
      {"reference-socketio-serverid-recipe", socketio_upgrade_sticks},
      {"caddy-socketio-lb-cookie", socketio_upgrade_sticks},
      {"nginx-socketio-websocket-ip-hash", every_session_sticks},
      {"haproxy-socketio-websocket-only-round-robin", websocket_needs_no_stickiness},
      {"haproxy-websocket-echo-round-robin", websocket_needs_no_stickiness},
      {"haproxy-socketio-kill-node-reconnects", socketio_clients_reconnect_elsewhere},
      {"reference-socketio-kill-node-reconnects", reference_tunnel_closes_with_its_member},
      {"apache-socketio-websocket-upgrade", socketio_upgrade_sticks},
      {"reference-socketio-websocket-upgrade", socketio_upgrade_sticks},
  };
  return table;
}

// The checks every scenario has, whatever it expects.
const char* const kEveryScenariosChecks[] = {"errors", "affinity", "session_losses",
                                             "distribution"};

// The file names in scenarios/ (the parameter ctest shows beside each test's name).
std::vector<std::string> scenario_files() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(source_path("scenarios"))) {
    const auto ext = e.path().extension();
    if (ext == ".yaml" || ext == ".yml" || ext == ".json")
      out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// As stickycheck decides it: under CI a proxy that is not installed is an error, not a skip.
bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci && *ci && std::string_view(ci) != "false" && std::string_view(ci) != "0";
}

std::string stem(const std::string& path) { return fs::path(path).stem().string(); }

class ShippedScenario : public ::testing::TestWithParam<std::string> {};

TEST_P(ShippedScenario, Passes) {
  const std::string name = stem(GetParam());
  const std::string json_path = temp_path(name + ".json");
  auto r = run_cli({"run", "scenarios/" + GetParam(), "--json", json_path, "--no-color"});
  expect_valid_report(json_path);
  const auto report = json::parse(read_file(json_path));
  const auto& s = find_scenario(report, name);
  if (s["verdict"] == "skipped" && !in_ci()) GTEST_SKIP() << s["error"].get<std::string>();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(report["schema_version"], 3);
  EXPECT_EQ(report["exit_code"], 0);
  EXPECT_EQ(s["verdict"], "pass") << r.out;
  EXPECT_NE(r.out.find("PASS  " + name), std::string::npos) << r.out;
  for (const char* id : kEveryScenariosChecks)
    EXPECT_NE(find_check(s, id)["verdict"], "fail") << id;
  for (const auto& c : s["checks"]) EXPECT_NE(c["verdict"], "fail") << c["id"];
  // What ran: the proxy's own version line, the cookies the clients saw.
  const std::string version = s["proxy"]["version"];
  const std::map<std::string, std::string> says = {{"apache", "Apache/2.4"},
                                                   {"haproxy", "HAProxy version 2.6"},
                                                   {"nginx", "nginx/1.22"},
                                                   {"caddy", "2.6"},
                                                   {"reference", "stickycheck balancer"}};
  const std::string type = s["proxy"]["type"];
  ASSERT_TRUE(says.count(type)) << type;
  EXPECT_NE(version.find(says.at(type)), std::string::npos) << type << ": " << version;
  // socket.io nodes set no cookie of their own: those scenarios say which they saw.
  if (s["traffic"]["protocol"] == "http") EXPECT_FALSE(s["cookies"].empty());
  const auto shows = what_they_show().find(name);
  ASSERT_NE(shows, what_they_show().end())
      << "say in what_they_show() what scenarios/" << name << " shows";
  shows->second(s);
}

INSTANTIATE_TEST_SUITE_P(Scenarios, ShippedScenario, ::testing::ValuesIn(scenario_files()),
                         [](const auto& info) {
                           std::string name = stem(info.param);
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

// A renamed or removed scenario must not take what it shows out of the tests unnoticed (a new
// one without an entry fails its own test).
TEST(ShippedScenarios, EveryScenarioWithExpectationsExists) {
  const auto files = scenario_files();
  for (const auto& [name, check] : what_they_show())
    // Captured by name: clang 14 (the sanitizer build) cannot capture structured bindings.
    EXPECT_TRUE(std::any_of(files.begin(), files.end(), [&name = name](const std::string& f) {
      return stem(f) == name;
    })) << name;
}

}  // namespace
}  // namespace sc::test
