// The mock backend's engine.io 4 / socket.io 5 server, judged by the real socket.io client
// (npm's socket.io-client 4.8, tests/socketio/, pinned by its package-lock.json): it connects
// over every transport, lives through pings and upgrades, and every acknowledgement names the
// backend. Raw requests check the answers engine.io gives to what a client gets wrong.
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include "harness.hpp"
#include "runner/ports.hpp"

namespace sc::test {
namespace {

using namespace std::chrono_literals;

class RealtimeBackend : public ::testing::Test {
 protected:
  void start(std::vector<std::string> extra = {}) {
    port_ = allocate_loopback_ports(1)->at(0);
    std::vector<std::string> args = {"backend", "--name", "www1", "--listen",
                                     "127.0.0.1:" + std::to_string(port_)};
    args.insert(args.end(), extra.begin(), extra.end());
    backend_ = std::make_unique<CliProcess>(args);
    ASSERT_TRUE(wait_until([&] { return port_accepts(port_); }, 10s)) << backend_->output_so_far();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // The real client's verdict: {"sessions":[{"connected","transport","acks","errors"}]}.
  nlohmann::json real_client(const std::string& transports, int sessions, int events,
                             int hold_ms = 0) {
    TestProcess node("/usr/bin/node", {source_path("tests/socketio/client.js"), url(), transports,
                                       std::to_string(sessions), std::to_string(events),
                                       "/socket.io/", std::to_string(hold_ms)});
    auto r = node.wait(60s);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err
                              << "\n(the real client needs scripts/bootstrap: npm ci in "
                                 "tests/socketio)";
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_TRUE(j.is_object()) << r.out;
    return j.is_object() ? j : nlohmann::json::object({{"sessions", nlohmann::json::array()}});
  }

  // Every session connected, ended on `transport`, and got `events` acknowledgements, each
  // naming www1.
  void expect_all_acked(const nlohmann::json& verdict, int sessions, int events,
                        const std::string& transport) {
    ASSERT_EQ(verdict["sessions"].size(), static_cast<std::size_t>(sessions)) << verdict.dump();
    for (const auto& s : verdict["sessions"]) {
      EXPECT_TRUE(s["connected"].get<bool>()) << s.dump();
      EXPECT_EQ(s["transport"], transport) << s.dump();
      EXPECT_EQ(s["acks"], nlohmann::json(std::vector<std::string>(events, "www1"))) << s.dump();
      EXPECT_EQ(s["errors"], nlohmann::json::array()) << s.dump();
    }
  }

  std::uint16_t port_ = 0;
  std::unique_ptr<CliProcess> backend_;
};

TEST_F(RealtimeBackend, RealClientOverPollingGetsAcksNamingTheBackend) {
  start();
  expect_all_acked(real_client("polling", 4, 5), 4, 5, "polling");
}

TEST_F(RealtimeBackend, RealClientUpgradesFromPollingToWebSocket) {
  start();
  expect_all_acked(real_client("polling,websocket", 4, 5), 4, 5, "websocket");
}

TEST_F(RealtimeBackend, RealClientOverWebSocketOnly) {
  start();
  expect_all_acked(real_client("websocket", 4, 5), 4, 5, "websocket");
}

// Pings every 300 ms with 200 ms to answer: a session idle for 1.2 s lives through four, over
// each transport.
TEST_F(RealtimeBackend, RealClientSessionsOutliveSeveralPings) {
  start({"--ping-interval", "300ms", "--ping-timeout", "200ms"});
  expect_all_acked(real_client("polling", 2, 2, 1200), 2, 2, "polling");
  expect_all_acked(real_client("websocket", 2, 2, 1200), 2, 2, "websocket");
}

TEST_F(RealtimeBackend, UnknownSidIsAnsweredAsEngineIoDoes) {
  start();
  auto a = http_get(port_, "/socket.io/?EIO=4&transport=polling&sid=nosuchsid");
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.body, R"({"code":1,"message":"Session ID unknown"})");
  EXPECT_EQ(a.backend, "www1");
}

TEST_F(RealtimeBackend, UnsupportedProtocolVersionIsRefused) {
  start();
  auto a = http_get(port_, "/socket.io/?EIO=3&transport=polling");
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.body, R"({"code":5,"message":"Unsupported protocol version"})");
}

// A client that polls but never answers a ping is forgotten once the ping's deadline passed:
// its sid is then unknown, as with engine.io ("ping timeout").
TEST_F(RealtimeBackend, SessionWithoutPongIsForgottenAfterThePingTimeout) {
  start({"--ping-interval", "200ms", "--ping-timeout", "100ms"});
  auto open = http_get(port_, "/socket.io/?EIO=4&transport=polling");
  ASSERT_EQ(open.status, 200);
  ASSERT_EQ(open.body.substr(0, 1), "0") << open.body;
  const auto sid = nlohmann::json::parse(open.body.substr(1))["sid"].get<std::string>();
  const std::string poll = "/socket.io/?EIO=4&transport=polling&sid=" + sid;
  EXPECT_EQ(http_get(port_, poll).body, "2");  // the ping, after 200 ms
  EXPECT_TRUE(wait_until([&] { return http_get(port_, poll).status == 400; }, 5s));
}

// Events that arrive while an answer is being written are each acknowledged at once, not at
// the next ping (25 s by default): the writer was woken only while waiting, so an event read
// during a write had its acknowledgement wait for the ping, and the real client timed out.
TEST_F(RealtimeBackend, EventsReadDuringAWriteAreAcknowledgedBeforeTheNextPing) {
  start();
  namespace asio = boost::asio;
  namespace websocket = boost::beast::websocket;
  asio::io_context ioc;
  websocket::stream<asio::ip::tcp::socket> ws(ioc);
  ws.next_layer().connect({asio::ip::make_address("127.0.0.1"), port_});
  ws.handshake("127.0.0.1", "/socket.io/?EIO=4&transport=websocket");
  boost::beast::flat_buffer buffer;
  // The next message, or why none came within 3 s (a lost acknowledgement waits for the ping).
  auto next = [&] {
    buffer.clear();
    std::string got = "(no message within 3 s)";
    ws.async_read(buffer, [&](boost::system::error_code ec, std::size_t) {
      if (ec != asio::error::operation_aborted)
        got = ec ? "(" + ec.message() + ")" : boost::beast::buffers_to_string(buffer.data());
    });
    ioc.restart();
    if (ioc.run_for(3s); !ioc.stopped()) {
      ws.next_layer().cancel();
      ioc.restart();
      ioc.run();
    }
    return got;
  };
  ASSERT_EQ(next().substr(0, 1), "0");
  ws.write(asio::buffer(std::string_view("40")));
  ASSERT_EQ(next().substr(0, 2), "40");
  constexpr int kEvents = 50;
  for (int i = 0; i < kEvents; ++i)
    ws.write(asio::buffer("42" + std::to_string(i) + R"(["whoami"])"));
  for (int i = 0; i < kEvents; ++i) ASSERT_EQ(next(), "43" + std::to_string(i) + R"(["www1"])");
}

TEST_F(RealtimeBackend, PlainWebSocketEchoNamesTheBackend) {
  start();
  TestProcess node("/usr/bin/node",
                   {source_path("tests/socketio/ws_echo.js"),
                    "ws://127.0.0.1:" + std::to_string(port_) + "/ws", "hello \"there\""});
  auto r = node.wait(30s);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "{\"backend\":\"www1\",\"echo\":\"hello \\\"there\\\"\"}\n");
}

}  // namespace
}  // namespace sc::test
