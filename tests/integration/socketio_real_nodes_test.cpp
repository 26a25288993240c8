// Real socket.io server nodes (npm's socket.io 4.8 on nodejs, tests/socketio/server.js: an
// application that knows nothing of stickycheck) behind each real proxy's documented recipe
// and behind our reference balancer, judged twice: by the real socket.io client, and by
// `stickycheck probe --protocol socket.io --identify ack:whoami`. Where the real client keeps
// every session on its node, the probe must pass; where the client's sessions are lost
// ("Session ID unknown"), the probe must fail on the losses.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "php_site.hpp"
#include "real_socketio_client.hpp"

namespace sc::test {
namespace {

PhpSiteOptions nodes_behind(const std::string& proxy, const std::string& config_template) {
  PhpSiteOptions o;
  o.proxy = proxy;
  o.config_template = config_template;
  o.socketio_nodes = true;
  return o;
}

const std::vector<std::string> kSocketIo = {"--protocol", "socket.io", "--identify", "ack:whoami"};

ProbeResult probe_socketio(const PhpSite& site, std::vector<std::string> more = {}) {
  std::vector<std::string> extra = kSocketIo;
  extra.insert(extra.end(), more.begin(), more.end());
  return run_probe(site.url(), {.extra = extra});
}

// The real client kept all its sessions over both transports and over polling alone, and
// the probe passed: every session sticky, none lost, both nodes seen, named by the ack.
void expect_both_keep_sessions(const PhpSiteOptions& options,
                               const std::vector<std::string>& more = {}) {
  auto site = PhpSite::start(options);
  ASSERT_TRUE(site.ok()) << site.error().message;
  for (const std::string transports : {"polling,websocket", "polling"}) {
    const auto client = run_real_socketio_client((*site)->url(), transports);
    EXPECT_EQ(client.sessions, 10) << transports << "\n" << client.out;
    EXPECT_EQ(client.kept, 10) << transports << "\n" << client.out << (*site)->logs();
  }
  const auto r = probe_socketio(**site, more);
  ASSERT_EQ(r.cli.exit_code, 0) << r.describe();
  const auto& m = r.scenario["metrics"];
  EXPECT_EQ(m["sessions"], 12) << r.describe();
  EXPECT_EQ(m["sticky_sessions"], 12) << r.describe();
  EXPECT_EQ(m["session_losses"], 0) << r.describe();
  EXPECT_EQ(m["backends"].size(), 2u) << r.describe();
  EXPECT_EQ(r.scenario["probe"]["identified_by"], "ack:whoami (as told)") << r.describe();
  EXPECT_NE(r.scenario["probe"]["loss_signal"].get<std::string>().find("Session ID unknown"),
            std::string::npos)
      << r.describe();
}

TEST(SocketioRealNodes, ApacheServeridRecipeKeepsSessionsForTheClientAndTheProbe) {
  expect_both_keep_sessions(
      nodes_behind("apache", "fixtures/apache/socketio-serverid-recipe.conf.in"));
}

TEST(SocketioRealNodes, ReferenceBalancerOnTheApacheRecipeKeepsSessionsForBoth) {
  expect_both_keep_sessions(
      nodes_behind("reference", "fixtures/apache/socketio-serverid-recipe.conf.in"));
}

TEST(SocketioRealNodes, HaproxyServeridCookieKeepsSessionsForTheClientAndTheProbe) {
  expect_both_keep_sessions(nodes_behind("haproxy", "fixtures/haproxy/socketio-serverid.cfg.in"));
}

// Caddy 2.6 places a new session at random: the spread is judged at 0.001 (probe_apps_test).
TEST(SocketioRealNodes, CaddyLbCookieKeepsSessionsForTheClientAndTheProbe) {
  expect_both_keep_sessions(nodes_behind("caddy", "fixtures/caddy/lb-policy-cookie.Caddyfile.in"),
                            {"--alpha", "0.001"});
}

// ip_hash from one client address: the real client keeps every session (all on one node), and
// the probe cannot call that affinity, since nothing could have moved (one backend seen).
TEST(SocketioRealNodes, NginxIpHashFromOneAddressKeepsSessionsButAffinityIsUndecided) {
  auto site = PhpSite::start(nodes_behind("nginx", "fixtures/nginx/socketio-ip-hash.conf.in"));
  ASSERT_TRUE(site.ok()) << site.error().message;
  const auto client = run_real_socketio_client((*site)->url(), "polling,websocket");
  EXPECT_EQ(client.kept, 10) << client.out;
  const auto r = probe_socketio(**site);
  EXPECT_EQ(r.cli.exit_code, 3) << r.describe();
  EXPECT_EQ(r.scenario["metrics"]["session_losses"], 0) << r.describe();
  EXPECT_EQ(r.scenario["metrics"]["backends"].size(), 1u) << r.describe();
  EXPECT_EQ(find_check(r.scenario, "affinity")["verdict"], "inconclusive") << r.describe();
}

// No stickiness: the real client's polls meet the node that does not know their sid, and the
// probe fails on the same losses, saying how they were seen and what engine.io's answer means
// (not "no page of the application", not a re-issued session cookie).
TEST(SocketioRealNodes, HaproxyRoundRobinLosesPollingSessionsForTheClientAndTheProbe) {
  auto site = PhpSite::start(nodes_behind("haproxy", "fixtures/haproxy/round-robin.cfg.in"));
  ASSERT_TRUE(site.ok()) << site.error().message;
  const auto client = run_real_socketio_client((*site)->url(), "polling");
  EXPECT_EQ(client.sessions, 10) << client.out;
  EXPECT_EQ(client.kept, 0) << client.out;
  const auto r = probe_socketio(**site, {"--transports", "polling"});
  EXPECT_EQ(r.cli.exit_code, 1) << r.describe();
  const auto& m = r.scenario["metrics"];
  EXPECT_GT(m["session_losses"].get<int>(), 0) << r.describe();
  EXPECT_EQ(find_check(r.scenario, "session_losses")["verdict"], "fail") << r.describe();
  EXPECT_NE(r.scenario["probe"]["loss_signal"].get<std::string>().find(
                fmt::format(", {} times", m["session_losses"].get<int>())),
            std::string::npos)
      << r.describe();
  EXPECT_TRUE(said(r, "socket.io events met engine.io's \"Session ID unknown\"")) << r.describe();
  EXPECT_FALSE(said(r, "saw no page")) << r.describe();
  EXPECT_FALSE(said(r, "found their session gone")) << r.describe();
}

// An application whose acknowledgement is an object: the pointer finds the name in it.
TEST(SocketioRealNodes, AckPointerFindsTheNameInTheApplicationsAnswer) {
  auto site = PhpSite::start(nodes_behind("haproxy", "fixtures/haproxy/socketio-serverid.cfg.in"));
  ASSERT_TRUE(site.ok()) << site.error().message;
  const auto r = run_probe(
      (*site)->url(), {.extra = {"--protocol", "socket.io", "--identify", "ack:status:/node"}});
  ASSERT_EQ(r.cli.exit_code, 0) << r.describe();
  EXPECT_EQ(r.scenario["probe"]["identified_by"], "ack:status:/node (as told)") << r.describe();
  EXPECT_EQ(r.scenario["metrics"]["sticky_sessions"], 12) << r.describe();
}

// A pointer that finds nothing: no backend is named, affinity is undecided, and the reason
// says which pointer named nothing.
TEST(SocketioRealNodes, AckPointerThatFindsNothingLeavesAffinityUndecidedAndSaysWhere) {
  auto site = PhpSite::start(nodes_behind("haproxy", "fixtures/haproxy/socketio-serverid.cfg.in"));
  ASSERT_TRUE(site.ok()) << site.error().message;
  const auto r = run_probe(
      (*site)->url(), {.extra = {"--protocol", "socket.io", "--identify", "ack:status:/name"}});
  EXPECT_EQ(r.cli.exit_code, 3) << r.describe();
  EXPECT_EQ(find_check(r.scenario, "affinity")["verdict"], "inconclusive") << r.describe();
  EXPECT_EQ(r.scenario["probe"]["reason"],
            "no acknowledgement of 'status' had a name at /name in its first argument; or let an "
            "affinity cookie name them: --identify ack:status:/name --identify auto")
      << r.describe();
}

// An acknowledgement that names no one, then auto: HAProxy's SERVERID cookie, set on the
// handshake's answer and sent with every later poll, POST and upgrade, names the nodes.
TEST(SocketioRealNodes, AffinityCookieNamesTheNodesWhenTheAckDoesNot) {
  auto site = PhpSite::start(nodes_behind("haproxy", "fixtures/haproxy/socketio-serverid.cfg.in"));
  ASSERT_TRUE(site.ok()) << site.error().message;
  const auto r = run_probe((*site)->url(), {.extra = {"--protocol", "socket.io", "--identify",
                                                      "ack:touch", "--identify", "auto"}});
  ASSERT_EQ(r.cli.exit_code, 0) << r.describe();
  EXPECT_EQ(r.scenario["probe"]["identified_by"].get<std::string>().rfind("cookie:SERVERID", 0),
            0u)
      << r.describe();
  EXPECT_EQ(r.scenario["metrics"]["sticky_sessions"], 12) << r.describe();
  EXPECT_EQ(r.scenario["metrics"]["backends"].size(), 2u) << r.describe();
}

// The same cookie over both transports: events carried by the WebSocket, with no HTTP
// exchange of their own, are named by the cookie the session's jar holds.
TEST(SocketioRealNodes, AffinityCookieNamesEventsOverTheWebSocketToo) {
  auto site = PhpSite::start(nodes_behind("haproxy", "fixtures/haproxy/socketio-serverid.cfg.in"));
  ASSERT_TRUE(site.ok()) << site.error().message;
  const auto r = run_probe((*site)->url(),
                           {.extra = {"--protocol", "socket.io", "--identify", "ack:touch",
                                      "--identify", "auto", "--transports", "polling,websocket"}});
  ASSERT_EQ(r.cli.exit_code, 0) << r.describe();
  EXPECT_EQ(r.scenario["metrics"]["sticky_sessions"], 12) << r.describe();
  EXPECT_EQ(r.scenario["metrics"]["requests"], 60) << r.describe();
}

}  // namespace
}  // namespace sc::test
