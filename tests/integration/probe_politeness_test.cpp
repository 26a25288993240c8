// `stickycheck probe` is polite to a site it did not start: a counting server records when
// each request arrived, so the rate limit and the hard cap on requests are checked where they
// matter, at the server.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio.hpp>
#include <chrono>
#include <mutex>
#include <thread>

#include "php_site.hpp"

namespace sc::test {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// What the counting server does with each request (after noting its arrival).
enum class Behaviour {
  answer,      // 200 with a small JSON body naming the backend
  busy_first,  // the first request gets 503 with Retry-After: 1, the rest are answered
  hang_up,     // every request hung up on (the connection itself is accepted)
};

// Notes the arrival time of every request and answers it as `behaviour` says.
class CountingServer {
 public:
  explicit CountingServer(Behaviour behaviour = Behaviour::answer)
      : behaviour_(behaviour), acceptor_(ioc_, {asio::ip::make_address("127.0.0.1"), 0}) {
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
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/";
  }
  std::vector<Clock::time_point> arrivals() {
    std::lock_guard lock(mu_);
    return arrivals_;
  }

 private:
  void accept_loop() {
    while (!stop_) {
      tcp::socket s(ioc_);
      boost::system::error_code ec;
      acceptor_.accept(s, ec);
      if (ec || stop_) return;
      connections_.emplace_back([this, s = std::move(s)]() mutable { serve(s); });
    }
  }
  // The answer to the request that arrived `index`-th (0-based); empty: hang up.
  std::string answer_to(std::size_t index) const {
    static const std::string body = R"({"backend":"solo","new":false})";
    static const std::string ok =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body;
    static const std::string busy =
        "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\n\r\n";
    switch (behaviour_) {
      case Behaviour::busy_first:
        return index == 0 ? busy : ok;
      case Behaviour::hang_up:
        return "";
      case Behaviour::answer:
        break;
    }
    return ok;
  }
  void serve(tcp::socket& s) {
    std::string buf;
    boost::system::error_code ec;
    while (!stop_) {
      auto n = asio::read_until(s, asio::dynamic_buffer(buf), "\r\n\r\n", ec);
      if (ec) return;
      buf.erase(0, n);
      std::size_t index = 0;
      {
        std::lock_guard lock(mu_);
        index = arrivals_.size();
        arrivals_.push_back(Clock::now());
      }
      const std::string answer = answer_to(index);
      if (answer.empty()) return;  // the socket closes as the thread ends
      asio::write(s, asio::buffer(answer), ec);
      if (ec) return;
    }
  }
  Behaviour behaviour_;
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::thread thread_;
  std::vector<std::thread> connections_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<Clock::time_point> arrivals_;
};

const std::vector<std::string> kIdentifyOnly = {"--identify", "json:/backend"};

// 24 requests at --rate 40 take at least 23/40 s from the first arrival to the last, and no
// one-second window holds more than 40 (+1 for the window's edge).
TEST(ProbePoliteness, RateLimitHoldsAtTheServer) {
  CountingServer server;
  auto extra = kIdentifyOnly;
  extra.insert(extra.end(), {"--concurrency", "4"});
  const auto r = run_probe(server.url(),
                           {.sessions = 6, .requests_per_session = 4, .rate = 40, .extra = extra});
  const auto at = server.arrivals();
  ASSERT_EQ(at.size(), 24u) << r.describe();
  const double spread = std::chrono::duration<double>(at.back() - at.front()).count();
  EXPECT_GE(spread, 23.0 / 40 * 0.9) << r.describe();
  for (std::size_t i = 0; i < at.size(); ++i) {
    std::size_t within = 0;
    for (std::size_t j = i; j < at.size() && at[j] - at[i] < std::chrono::seconds(1); ++j) ++within;
    EXPECT_LE(within, 41u) << "from request " << i;
  }
}

// 20 sessions of 10 requests planned, --max-requests 30: the probe refuses to start, names
// the cap, and the server sees nothing.
TEST(ProbePoliteness, ProbeBeyondTheRequestCapIsRefusedAndSendsNothing) {
  CountingServer server;
  auto extra = kIdentifyOnly;
  extra.insert(extra.end(), {"--max-requests", "30"});
  const auto r =
      run_probe(server.url(), {.sessions = 20, .requests_per_session = 10, .extra = extra});
  EXPECT_EQ(r.cli.exit_code, 2) << r.describe();
  EXPECT_NE(r.cli.err.find("--max-requests"), std::string::npos) << r.describe();
  EXPECT_TRUE(server.arrivals().empty()) << r.describe();
}

// Exactly at the cap: every planned request is sent, and not one more.
TEST(ProbePoliteness, ProbeAtTheRequestCapSendsExactlyItsRequests) {
  CountingServer server;
  auto extra = kIdentifyOnly;
  extra.insert(extra.end(), {"--max-requests", "30"});
  const auto r =
      run_probe(server.url(), {.sessions = 3, .requests_per_session = 10, .extra = extra});
  EXPECT_EQ(r.scenario["metrics"]["errors"], 0) << r.describe();
  EXPECT_EQ(server.arrivals().size(), 30u) << r.describe();
  EXPECT_EQ(r.scenario["metrics"]["requests"], 30) << r.describe();
}

// A 503 with Retry-After: 1 holds the probe: the next request comes a second later at the
// earliest (one session at a time, so nothing else was in flight).
TEST(ProbePoliteness, RetryAfterHoldsTheNextRequest) {
  CountingServer server(Behaviour::busy_first);
  auto extra = kIdentifyOnly;
  extra.insert(extra.end(), {"--concurrency", "1"});
  const auto r =
      run_probe(server.url(), {.sessions = 2, .requests_per_session = 2, .extra = extra});
  const auto at = server.arrivals();
  ASSERT_GE(at.size(), 2u) << r.describe();
  EXPECT_GE(at[1] - at[0], std::chrono::milliseconds(950)) << r.describe();
}

// A site that stops answering: after --max-consecutive-errors transport errors in a row the
// probe stops (exit 3) and says why, instead of sending the rest.
TEST(ProbePoliteness, ConsecutiveTransportErrorsStopTheProbe) {
  CountingServer server(Behaviour::hang_up);
  auto extra = kIdentifyOnly;
  extra.insert(extra.end(), {"--concurrency", "1", "--max-consecutive-errors", "5"});
  const auto r =
      run_probe(server.url(), {.sessions = 10, .requests_per_session = 5, .extra = extra});
  EXPECT_EQ(r.cli.exit_code, 3) << r.describe();
  EXPECT_LE(server.arrivals().size(), 5u + 1u) << r.describe();
  EXPECT_NE(r.scenario.value("error", "").find("5 transport errors"), std::string::npos)
      << r.describe();
}

// Dry run: says what it would send and sends nothing.
TEST(ProbePoliteness, DryRunSendsNothing) {
  CountingServer server;
  auto extra = kIdentifyOnly;
  extra.push_back("--dry-run");
  const auto r = run_probe(server.url(), {.extra = extra});
  EXPECT_EQ(r.cli.exit_code, 0) << r.describe();
  EXPECT_NE(r.cli.out.find("60 requests"), std::string::npos) << r.describe();
  EXPECT_TRUE(server.arrivals().empty()) << r.describe();
}

}  // namespace
}  // namespace sc::test
