// The lean client's connection against a scripted HTTP server on 127.0.0.1: responses read in
// pieces, chunked bodies, a server's Connection: close, a keep-alive connection the server
// closed between requests (retried once on a new one), no retry on a new connection, timeouts.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <functional>
#include <thread>

#include "driver/lean_connection.hpp"

namespace sc::detail {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using Handler = std::function<void(tcp::socket&)>;

// Serves its connections one after another, each with the next handler (the last repeats).
class ScriptedServer {
 public:
  explicit ScriptedServer(std::vector<Handler> handlers)
      : acceptor_(ioc_, {asio::ip::make_address("127.0.0.1"), 0}), handlers_(std::move(handlers)) {
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedServer() {
    stop_ = true;
    boost::system::error_code ec;
    tcp::socket poke(ioc_);
    poke.connect(acceptor_.local_endpoint(), ec);  // wakes the blocking accept
    thread_.join();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  int requests() const { return requests_; }

  // Reads one request head; false when the client closed instead.
  bool read_request(tcp::socket& s) {
    boost::system::error_code ec;
    asio::read_until(s, asio::dynamic_buffer(pending_), "\r\n\r\n", ec);
    if (ec) return false;
    pending_.erase(0, pending_.find("\r\n\r\n") + 4);
    ++requests_;
    return true;
  }

 private:
  void serve() {
    for (std::size_t i = 0; !stop_; ++i) {
      tcp::socket s(ioc_);
      boost::system::error_code ec;
      acceptor_.accept(s, ec);
      if (ec || stop_) return;
      pending_.clear();
      handlers_[std::min(i, handlers_.size() - 1)](s);
    }
  }
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::vector<Handler> handlers_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::string pending_;
};

void write(tcp::socket& s, std::string_view bytes) {
  boost::system::error_code ec;
  asio::write(s, asio::buffer(bytes), ec);
}

class AllFields : public ResponseReader {
 public:
  bool wants_header(std::string_view) const override { return true; }
  std::size_t body_limit() const override { return 1 << 20; }
  void read(const ResponseView&, ResponseFacts&) override {}
};

// Runs `exchanges` requests on one LeanConnection to `port`; returns each answer and the body
// and Set-Cookie-fed jar's Cookie header after the last.
struct Run {
  std::vector<Exchange> answers;
  std::string body, cookies;
  int connects = 0;
};

Run run_exchanges(std::uint16_t port, int exchanges, bool fresh = false,
                  std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
  asio::io_context ioc;
  LeanTarget target;
  target.endpoints = {{asio::ip::make_address("127.0.0.1"), port}};
  target.host = "127.0.0.1";
  LeanConnection connection(ioc, target, timeout);
  AllFields reader;
  ResponseCapture capture;
  capture.use(reader);
  CookieJar jar;
  const CookieOrigin origin{"127.0.0.1", "/", true};
  Run run;
  asio::co_spawn(ioc, connection.watchdog(), asio::detached);
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        for (int i = 0; i < exchanges; ++i) {
          capture.reset();
          run.answers.push_back(co_await connection.exchange(
              "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", {capture, &jar, origin}, fresh));
        }
        connection.finish();
      },
      asio::detached);
  ioc.run();
  run.body = std::string(capture.view(0, 0, 0).body);
  jar.cookie_header(origin, std::chrono::system_clock::now(), run.cookies);
  run.connects = connection.connects();
  return run;
}

TEST(DriverLeanClient, ResponseArrivingInPiecesIsReadWhole) {
  const std::string body(40000, 'x');  // more than one 16 KiB read
  ScriptedServer server({[&](tcp::socket& s) {
    s.set_option(tcp::no_delay(true));
    if (!server.read_request(s)) return;
    const std::string head = "HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nContent-Length: 40000\r\n\r\n";
    for (char c : head) write(s, std::string_view(&c, 1));
    write(s, body);
    server.read_request(s);  // until the client leaves
  }});
  auto run = run_exchanges(server.port(), 1);
  ASSERT_EQ(run.answers.size(), 1u);
  EXPECT_EQ(run.answers[0].status, 200) << run.answers[0].error;
  EXPECT_EQ(run.body, body);
  EXPECT_EQ(run.cookies, "a=1");
}

// libcurl's bound on a hostile site: the first 50 Set-Cookie fields of a response are kept.
TEST(DriverLeanClient, AtMostFiftySetCookiesOfAResponseAreStored) {
  ScriptedServer server({[&](tcp::socket& s) {
    std::string answer = "HTTP/1.1 200 OK\r\n";
    for (int i = 0; i < 60; ++i) answer += "Set-Cookie: c" + std::to_string(i) + "=1\r\n";
    answer += "Content-Length: 0\r\n\r\n";
    while (server.read_request(s)) write(s, answer);
  }});
  auto run = run_exchanges(server.port(), 1);
  EXPECT_EQ(run.answers[0].status, 200) << run.answers[0].error;
  EXPECT_EQ(std::count(run.cookies.begin(), run.cookies.end(), '='), 50);
}

TEST(DriverLeanClient, ChunkedBodyIsDecoded) {
  ScriptedServer server({[&](tcp::socket& s) {
    while (server.read_request(s))
      write(s,
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: "
            "chunked\r\n\r\n4\r\nback\r\n3\r\nend\r\n0\r\n\r\n");
  }});
  auto run = run_exchanges(server.port(), 2);
  EXPECT_EQ(run.answers[1].status, 200) << run.answers[1].error;
  EXPECT_EQ(run.body, "backend");
  EXPECT_EQ(run.connects, 1);  // the connection was kept
}

TEST(DriverLeanClient, ServersConnectionCloseMeansANewConnectionNextTime) {
  ScriptedServer server({[&](tcp::socket& s) {
    if (server.read_request(s))
      write(s, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
  }});
  auto run = run_exchanges(server.port(), 2);
  EXPECT_EQ(run.answers[0].status, 200) << run.answers[0].error;
  EXPECT_EQ(run.answers[1].status, 200) << run.answers[1].error;
  EXPECT_EQ(run.connects, 2);
  EXPECT_EQ(server.requests(), 2);
}

// The server ends a keep-alive connection after one answer without saying so: the next
// request finds it closed and is sent once more, on a new connection.
TEST(DriverLeanClient, KeepAliveConnectionClosedBetweenRequestsIsRetriedOnce) {
  ScriptedServer server({[&](tcp::socket& s) {
    if (server.read_request(s)) write(s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  }});
  auto run = run_exchanges(server.port(), 2);
  EXPECT_EQ(run.answers[1].status, 200) << run.answers[1].error;
  EXPECT_EQ(run.connects, 2);
}

TEST(DriverLeanClient, NewConnectionClosedWithoutAnswerIsNotRetried) {
  ScriptedServer server({[&](tcp::socket& s) { server.read_request(s); }});
  auto run = run_exchanges(server.port(), 1, /*fresh=*/true);
  EXPECT_EQ(run.answers[0].status, 0);
  EXPECT_EQ(run.answers[0].error, "Empty reply from server");
  EXPECT_EQ(run.connects, 1);
  EXPECT_EQ(server.requests(), 1);
}

TEST(DriverLeanClient, SilentServerTimesOut) {
  ScriptedServer server({[&](tcp::socket& s) {
    server.read_request(s);
    server.read_request(s);  // no answer; returns when the client gives up
  }});
  auto run = run_exchanges(server.port(), 1, false, std::chrono::milliseconds(200));
  EXPECT_EQ(run.answers[0].status, 0);
  EXPECT_EQ(run.answers[0].error,
            "Operation timed out after 200 milliseconds with 0 bytes received");
}

}  // namespace
}  // namespace sc::detail
