// The backend and the reference balancer as a user runs them by hand, over real HTTP.
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <map>
#include <nlohmann/json.hpp>

#include "harness.hpp"
#include "runner/ports.hpp"

namespace sc::test {
namespace {

using namespace std::chrono_literals;

struct Cluster {
  std::vector<std::unique_ptr<CliProcess>> procs;
  std::vector<std::uint16_t> ports;
  explicit Cluster(std::size_t n) : ports(*allocate_loopback_ports(n)) {}
  void start(std::vector<std::string> args, std::uint16_t port) {
    procs.push_back(std::make_unique<CliProcess>(std::move(args)));
    ASSERT_TRUE(wait_until([&] { return port_accepts(port); }, 10s));
  }
  std::string addr(std::size_t i) const { return "127.0.0.1:" + std::to_string(ports[i]); }
};

TEST(ReferenceBalancer, StickyRouteCookieAndFailoverToALiveMember) {
  Cluster c(4);  // backends www1, www2; a dead member's port; the balancer
  for (int i : {0, 1}) {
    std::string name = i == 0 ? "www1" : "www2";
    c.start({"backend", "--name", name, "--listen", c.addr(i), "--route-cookie",
             "BALANCEID=balancer.{route}; path=/"},
            c.ports[i]);
  }
  c.start({"balancer", "--listen", c.addr(3), "--member", "http://" + c.addr(2) + " route=dead",
           "--member", "http://" + c.addr(0) + " route=www1", "--member",
           "http://" + c.addr(1) + " route=www2", "--set", "stickysession=BALANCEID"},
          c.ports[3]);

  // The first choice (the dead member) fails to connect: marked in error, chosen again.
  auto first = http_get(c.ports[3], "/");
  EXPECT_EQ(first.status, 200);
  EXPECT_FALSE(first.backend.empty());
  for (int i = 0; i < 5; ++i) {
    auto again = http_get(c.ports[3], "/", "BALANCEID=balancer.www2");
    EXPECT_EQ(again.backend, "www2");
  }
  // A route naming the dead member falls back to balancing (nofailover is off).
  EXPECT_EQ(http_get(c.ports[3], "/", "BALANCEID=x.dead").status, 200);
}

// Regression: a member killed while the balancer held an idle keep-alive connection to it got
// 502 (the stale connection failed, the reconnect was refused, and that was taken for a broken
// answer) instead of being put in error and failed over, as httpd does.
TEST(ReferenceBalancer, KilledMemberWithPooledConnectionsFailsOver) {
  Cluster c(3);
  c.start({"backend", "--name", "www1", "--listen", c.addr(0)}, c.ports[0]);
  c.start({"backend", "--name", "www2", "--listen", c.addr(1)}, c.ports[1]);
  c.start({"balancer", "--listen", c.addr(2), "--member", "http://" + c.addr(0) + " route=www1",
           "--member", "http://" + c.addr(1) + " route=www2", "--set", "stickysession=ROUTEID"},
          c.ports[2]);
  ASSERT_EQ(http_get(c.ports[2], "/", "ROUTEID=.www1").backend, "www1");  // pools a connection
  c.procs[0].reset();  // kills www1
  ASSERT_TRUE(wait_until([&] { return !port_accepts(c.ports[0]); }, 5s));
  auto moved = http_get(c.ports[2], "/", "ROUTEID=.www1");
  EXPECT_EQ(moved.status, 200);
  EXPECT_EQ(moved.backend, "www2");
}

// With several worker threads the balancers' state is shared: round robin over all
// connections, whichever thread serves them (per-thread state would give 11 and 9 here).
TEST(ReferenceBalancer, WorkerThreadsShareTheBalancerState) {
  Cluster c(3);
  for (int i : {0, 1})
    c.start({"backend", "--name", i ? "www2" : "www1", "--listen", c.addr(i)}, c.ports[i]);
  c.start({"balancer", "--threads", "3", "--listen", c.addr(2), "--member",
           "http://" + c.addr(0) + " route=www1", "--member",
           "http://" + c.addr(1) + " route=www2", "--set", "stickysession=ROUTEID"},
          c.ports[2]);
  std::map<std::string, int> counts;
  for (int i = 0; i < 20; ++i) counts[http_get(c.ports[2], "/").backend]++;  // new connections
  EXPECT_EQ(counts, (std::map<std::string, int>{{"www1", 10}, {"www2", 10}}));
  for (int i = 0; i < 6; ++i) EXPECT_EQ(http_get(c.ports[2], "/", "ROUTEID=.www2").backend, "www2");
}

TEST(ReferenceBalancer, NofailoverAnswers503ForTheDeadMembersRoute) {
  Cluster c(3);
  c.start({"backend", "--name", "www1", "--listen", c.addr(0)}, c.ports[0]);
  c.start({"balancer", "--listen", c.addr(2), "--member", "http://" + c.addr(0) + " route=www1",
           "--member", "http://" + c.addr(1) + " route=www2", "--set", "stickysession=ROUTEID",
           "--set", "nofailover=On"},
          c.ports[2]);
  EXPECT_EQ(http_get(c.ports[2], "/", "ROUTEID=.www2").status, 503);
  EXPECT_EQ(http_get(c.ports[2], "/", "ROUTEID=.www1").backend, "www1");
  // The URL parameter is consulted first.
  EXPECT_EQ(http_get(c.ports[2], "/?ROUTEID=.www1", "ROUTEID=.www2").backend, "www1");
}

// A POST to the manager as its own page sends it: Host by address, a same-origin Referer.
int manager_post(std::uint16_t port, const std::string& query) {
  namespace http = boost::beast::http;
  boost::asio::io_context ioc;
  boost::beast::tcp_stream s(ioc);
  s.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  http::request<http::empty_body> post{http::verb::post, "/.stickycheck/balancer-manager?" + query,
                                       11};
  const std::string host = "127.0.0.1:" + std::to_string(port);
  post.set(http::field::host, host);
  post.set(http::field::referer, "http://" + host + "/.stickycheck/balancer-manager");
  http::write(s, post);
  boost::beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(s, buf, res);
  return static_cast<int>(res.result_int());
}

TEST(ReferenceBalancer, ManagerDrainsAMemberAtRunTime) {
  Cluster c(3);
  for (int i : {0, 1})
    c.start({"backend", "--name", i ? "www2" : "www1", "--listen", c.addr(i)}, c.ports[i]);
  c.start({"balancer", "--listen", c.addr(2), "--manager", "/.stickycheck/balancer-manager",
           "--member", "http://" + c.addr(0) + " route=www1", "--member",
           "http://" + c.addr(1) + " route=www2", "--set", "stickysession=BALANCEID"},
          c.ports[2]);
  auto state = nlohmann::json::parse(http_get(c.ports[2], "/.stickycheck/balancer-manager").body);
  EXPECT_EQ(state["balancers"][0]["members"].size(), 2u);
  const std::string nonce = state["balancers"][0]["nonce"];
  EXPECT_EQ(nonce.size(), 36u);                              // a UUID, as httpd's
  EXPECT_EQ(manager_post(c.ports[2], "w=www1&set=N"), 403);  // no nonce
  EXPECT_EQ(manager_post(c.ports[2], "w=www1&set=N&nonce=" + nonce), 200);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(http_get(c.ports[2], "/").backend, "www2");
  EXPECT_EQ(http_get(c.ports[2], "/", "BALANCEID=x.www1").backend, "www1");
}

TEST(ReferenceBalancer, ManagerIsNotServedUnlessTheConfigurationEnablesIt) {
  Cluster c(2);
  c.start({"backend", "--name", "www1", "--listen", c.addr(0)}, c.ports[0]);
  c.start({"balancer", "--listen", c.addr(1), "--member", "http://" + c.addr(0) + " route=www1"},
          c.ports[1]);
  // The path is an ordinary one, proxied to the member; nothing can change the balancer.
  EXPECT_EQ(http_get(c.ports[1], "/.stickycheck/balancer-manager").backend, "www1");
  EXPECT_EQ(manager_post(c.ports[1], "w=www1&set=D"), 200);
  EXPECT_EQ(http_get(c.ports[1], "/").backend, "www1");
}

TEST(Backend, PhpLikeSessionsOverHttp) {
  Cluster c(1);
  c.start({"backend", "--name", "www1", "--listen", c.addr(0)}, c.ports[0]);
  auto a = http_get(c.ports[0], "/login.php");
  ASSERT_EQ(a.set_cookies.size(), 1u);
  auto id = nlohmann::json::parse(a.body)["session_id"].get<std::string>();
  EXPECT_EQ(id.size(), 26u);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdefghijklmnopqrstuv"), std::string::npos);
  auto b = nlohmann::json::parse(http_get(c.ports[0], "/", "PHPSESSID=" + id).body);
  EXPECT_EQ(b["hits"], 2);
  auto lost = nlohmann::json::parse(http_get(c.ports[0], "/", "PHPSESSID=unknown").body);
  EXPECT_EQ(lost["session_lost"], true);
  // Invalid UTF-8 from a client once ended the backend process (found by fuzzing).
  EXPECT_EQ(http_get(c.ports[0], "/x\xbf", "PHPSESSID=\xbf\xff").status, 200);
  EXPECT_TRUE(process_exists(c.procs[0]->pid()));
  EXPECT_EQ(http_get(c.ports[0], "/").status, 200);
}

}  // namespace
}  // namespace sc::test
