// The driver's traffic options against a small real HTTP server that records, per accepted
// connection, the client's address and, per request, whether it carried a Cookie header.
#include "driver/driver.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>

#include "contract/contract_reader.hpp"

namespace sc {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

class CountingServer {
 public:
  CountingServer() : acceptor_(ioc_, {asio::ip::make_address("127.0.0.1"), 0}) {
    thread_ = std::thread([this] { accept_loop(); });
  }
  ~CountingServer() {
    stop_ = true;
    boost::system::error_code ec;
    tcp::socket poke(ioc_);
    poke.connect(acceptor_.local_endpoint(), ec);  // wakes the blocking accept
    thread_.join();
    for (auto& t : connections_) t.join();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  int connections() const { return connections_count_; }
  std::set<std::string> addresses() {
    std::lock_guard lock(mu_);
    return addresses_;
  }
  int requests_with_cookie() const { return with_cookie_; }
  int requests() const { return requests_; }

 private:
  void accept_loop() {
    while (!stop_) {
      tcp::socket s(ioc_);
      boost::system::error_code ec;
      acceptor_.accept(s, ec);
      if (ec || stop_) return;
      ++connections_count_;
      {
        std::lock_guard lock(mu_);
        addresses_.insert(s.remote_endpoint(ec).address().to_string());
      }
      connections_.emplace_back([this, s = std::move(s)]() mutable { serve(s); });
    }
  }
  // Each answer sets a cookie, so a cookie-keeping client sends it from its second request.
  void serve(tcp::socket& s) {
    std::string buf;
    boost::system::error_code ec;
    while (true) {
      auto n = asio::read_until(s, asio::dynamic_buffer(buf), "\r\n\r\n", ec);
      if (ec) return;
      std::string head = buf.substr(0, n);
      buf.erase(0, n);
      ++requests_;
      if (head.find("\r\nCookie:") != std::string::npos) ++with_cookie_;
      const std::string answer =
          "HTTP/1.1 200 OK\r\nSet-Cookie: a=1; path=/\r\nContent-Length: 0\r\n\r\n";
      asio::write(s, asio::buffer(answer), ec);
      if (ec) return;
    }
  }
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::thread thread_;
  std::vector<std::thread> connections_;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_count_{0}, with_cookie_{0}, requests_{0};
  std::mutex mu_;
  std::set<std::string> addresses_;
};

// The mock backend contract's reader: the counting server stamps no identity.
ContractReader& contract_reader() {
  static ContractReader reader;
  return reader;
}

DriverConfig config(std::uint16_t port) {
  DriverConfig c;
  c.base_url = "http://127.0.0.1:" + std::to_string(port);
  c.sessions = 8;
  c.requests_per_session = 3;
  c.concurrency = 2;
  return c;
}

TEST(Driver, KeepAliveReusesConnectionsAndPerRequestDoesNot) {
  CountingServer keep;
  auto out = drive(config(keep.port()), contract_reader());
  ASSERT_EQ(out.records.records.size(), 24u);
  EXPECT_LE(keep.connections(), 4);  // two at a time, reused across sessions
  EXPECT_EQ(keep.addresses(), std::set<std::string>{"127.0.0.1"});

  CountingServer fresh;
  auto c = config(fresh.port());
  c.connection_per_request = true;
  drive(c, contract_reader());
  EXPECT_EQ(fresh.connections(), 24);
}

TEST(Driver, SourceAddressPerSessionComesFromTheLoopbackNetwork) {
  CountingServer server;
  auto c = config(server.port());
  c.source_per_session = true;
  auto out = drive(c, contract_reader());
  ASSERT_EQ(out.records.records.size(), 24u);
  for (const auto& r : out.records.records) EXPECT_EQ(r.status, 200);
  const auto addresses = server.addresses();
  EXPECT_EQ(addresses.size(), 8u);
  for (const auto& a : addresses) EXPECT_EQ(a.rfind("127.", 0), 0u) << a;
}

TEST(Driver, CookielessSessionsNeverSendACookie) {
  CountingServer server;
  auto c = config(server.port());
  c.cookieless_share = 0.25;  // sessions 3 and 7 of 8
  auto out = drive(c, contract_reader());
  int cookieless = 0;
  for (const auto& r : out.records.records) cookieless += r.cookieless;
  EXPECT_EQ(cookieless, 6);
  // 6 cookie-keeping sessions send the cookie on requests 2 and 3.
  EXPECT_EQ(server.requests_with_cookie(), 12);
  EXPECT_EQ(server.requests(), 24);
}

// Every thread drives its own sessions: each request is recorded once, and each session keeps
// its cookie jar (the cookie from its first answer comes back on its 3 later requests).
TEST(Driver, SeveralThreadsRecordEveryRequestOnceWithOneCookieJarPerSession) {
  CountingServer server;
  auto c = config(server.port());
  c.sessions = 9;
  c.requests_per_session = 4;
  c.concurrency = 5;
  c.threads = 3;
  auto out = drive(c, contract_reader());
  std::set<std::pair<std::uint32_t, std::uint32_t>> seen;
  for (const auto& r : out.records.records) {
    EXPECT_EQ(r.status, 200);
    seen.insert({r.session, r.seq});
  }
  EXPECT_EQ(out.records.records.size(), 36u);
  EXPECT_EQ(seen.size(), 36u);
  EXPECT_EQ(seen.rbegin()->first, 8u);
  EXPECT_EQ(server.requests_with_cookie(), 27);
}

// A proxy named by the environment (http_proxy) is not put between the driver and a target on
// this machine: the requests reach the server, not the (absent) proxy.
TEST(Driver, LoopbackTargetIgnoresTheEnvironmentsProxy) {
  CountingServer server;
  ::setenv("http_proxy", "http://127.0.0.1:9", 1);  // port 9 (discard): nothing answers
  auto out = drive(config(server.port()), contract_reader());
  ::unsetenv("http_proxy");
  ASSERT_EQ(out.records.records.size(), 24u);
  for (const auto& r : out.records.records) EXPECT_EQ(r.status, 200);
  EXPECT_EQ(server.requests(), 24);
}

// The same for the readiness check of an external proxy (check_reachable).
TEST(Driver, LoopbackReachabilityIgnoresTheEnvironmentsProxy) {
  CountingServer server;
  ::setenv("http_proxy", "http://127.0.0.1:9", 1);
  const std::string why = check_reachable("http://127.0.0.1:" + std::to_string(server.port()),
                                          std::chrono::milliseconds(2000));
  ::unsetenv("http_proxy");
  EXPECT_EQ(why, "");
}

// traffic.host: requests for a name, connected to the proxy's own loopback address; an
// environment proxy would take them elsewhere.
TEST(Driver, HostAimedAtLoopbackIgnoresTheEnvironmentsProxy) {
  CountingServer server;
  DriverConfig c = config(server.port());
  auto url = aim_at_host(c.base_url, "www.example.com", c.client);
  ASSERT_TRUE(url.ok());
  c.base_url = *url;
  ::setenv("http_proxy", "http://127.0.0.1:9", 1);
  auto out = drive(c, contract_reader());
  ::unsetenv("http_proxy");
  ASSERT_EQ(out.records.records.size(), 24u);
  for (const auto& r : out.records.records) EXPECT_EQ(r.status, 200);
  EXPECT_EQ(server.requests(), 24);
}

// The lean client (chosen for a plain http:// target) and libcurl carry the same traffic: the
// same requests recorded, the same cookies sent back.
TEST(Driver, LeanClientAndLibcurlRecordTheSameRequestsAndSendTheSameCookies) {
  std::vector<std::tuple<std::uint32_t, std::uint32_t, int>> seen[2];
  int with_cookie[2] = {0, 0};
  for (int i = 0; i < 2; ++i) {
    CountingServer server;
    auto c = config(server.port());
    c.cookieless_share = 0.25;
    if (i == 1) c.client_engine = ClientEngine::libcurl;
    auto out = drive(c, contract_reader());
    EXPECT_EQ(out.client, i == 0 ? "lean" : "libcurl");
    for (const auto& r : out.records.records) seen[i].emplace_back(r.session, r.seq, r.status);
    std::sort(seen[i].begin(), seen[i].end());
    with_cookie[i] = server.requests_with_cookie();
  }
  EXPECT_EQ(seen[0].size(), 24u);
  EXPECT_EQ(seen[0], seen[1]);
  EXPECT_EQ(with_cookie[0], with_cookie[1]);
}

// should_stop ends a run with its reason; requests in flight then are not recorded.
TEST(Driver, ShouldStopEndsTheRunWithItsReason) {
  CountingServer server;
  auto c = config(server.port());
  c.sessions = 1000;
  c.requests_per_session = 100;
  std::size_t done = 0;
  DriverHooks hooks;
  hooks.progress = [&](const DriverProgress& p) { done = p.done; };
  hooks.should_stop = [&]() -> std::string { return server.requests() >= 50 ? "enough" : ""; };
  auto out = drive(c, contract_reader(), hooks);
  EXPECT_TRUE(out.stopped);
  EXPECT_EQ(out.stop_reason, "enough");
  EXPECT_GE(out.records.records.size(), 48u);
  EXPECT_LT(out.records.records.size(), 100000u);
  EXPECT_EQ(done, out.records.records.size());
}

}  // namespace
}  // namespace sc
