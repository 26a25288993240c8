// The mock backend's engine.io server as a state machine over hand-made time: handshakes,
// the answers to socket.io packets, pings and their deadlines, and its bounds.
#include "backend/engineio_server.hpp"

#include <gtest/gtest.h>

namespace sc {
namespace {

using namespace std::chrono_literals;
using Clock = EngineIoServer::Clock;

EngineIoOptions fast() {
  EngineIoOptions o;
  o.ping_interval = 300ms;
  o.ping_timeout = 200ms;
  return o;
}

struct Fixture {
  explicit Fixture(EngineIoOptions o = fast()) : server(o, "www1", [this] { return counter++; }) {}
  std::string open(Clock::time_point now) {
    auto packet = server.open(EioTransport::kPolling, now);
    EXPECT_TRUE(packet);
    return eio::decode_handshake(eio::decode(*packet)->data)->sid;
  }
  unsigned counter = 0;
  EngineIoServer server;
  Clock::time_point t0 = Clock::now();
};

TEST(EngineIoRequest, ClassifiesAsEngineIoDoes) {
  using K = EioRequest::Kind;
  EXPECT_EQ(classify_engineio("GET", "EIO=4&transport=polling&t=x", false).kind, K::kHandshake);
  EXPECT_EQ(classify_engineio("GET", "EIO=4&transport=polling&sid=a", false).kind, K::kPoll);
  EXPECT_EQ(classify_engineio("POST", "EIO=4&transport=polling&sid=a", false).kind, K::kSend);
  EXPECT_EQ(classify_engineio("GET", "EIO=4&transport=websocket", true).kind, K::kWebSocket);
  EXPECT_EQ(classify_engineio("GET", "EIO=3&transport=polling", false).error,
            eio::ErrorCode::kUnsupportedProtocolVersion);
  EXPECT_EQ(classify_engineio("GET", "EIO=4&transport=flash", false).error,
            eio::ErrorCode::kUnknownTransport);
  EXPECT_EQ(classify_engineio("POST", "EIO=4&transport=polling", false).error,
            eio::ErrorCode::kBadHandshakeMethod);
  EXPECT_EQ(classify_engineio("GET", "EIO=4&transport=websocket", false).error,
            eio::ErrorCode::kBadRequest);
}

TEST(EngineIoServer, HandshakeOffersTheUpgradeAndTheConfiguredPings) {
  Fixture f;
  auto packet = f.server.open(EioTransport::kPolling, f.t0);
  ASSERT_TRUE(packet);
  auto h = eio::decode_handshake(eio::decode(*packet)->data);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->sid.size(), 20u);
  EXPECT_EQ(h->upgrades, std::vector<std::string>{"websocket"});
  EXPECT_EQ(h->ping_interval_ms, 300);
  EXPECT_EQ(h->ping_timeout_ms, 200);
}

TEST(EngineIoServer, ConnectAndEventsWithAckIdsAreAnsweredWithTheBackendsName) {
  Fixture f;
  const auto sid = f.open(f.t0);
  EXPECT_EQ(f.server.take_payload(sid, f.t0), std::nullopt);  // nothing yet: the poll waits
  ASSERT_TRUE(f.server.receive_payload(sid,
                                       "40\x1e"
                                       R"(421["whoami"])"
                                       "\x1e"
                                       R"(42["noack"])",
                                       f.t0));
  auto payload = f.server.take_payload(sid, f.t0);
  ASSERT_TRUE(payload);
  auto packets = eio::decode_payload(*payload, 10);
  ASSERT_TRUE(packets);
  ASSERT_EQ(packets->size(), 2u);
  EXPECT_TRUE((*packets)[0].data.starts_with(R"(0{"sid":")")) << (*packets)[0].data;
  EXPECT_EQ((*packets)[1], (eio::Packet{eio::PacketType::kMessage, R"(31["www1"])"}));
}

TEST(EngineIoServer, AnEventBeforeConnectIsNotAcknowledged) {
  Fixture f;
  const auto sid = f.open(f.t0);
  ASSERT_TRUE(f.server.receive_payload(sid, R"(421["whoami"])", f.t0));
  EXPECT_EQ(f.server.take_payload(sid, f.t0), std::nullopt);
}

TEST(EngineIoServer, AnotherNamespaceIsRefusedWithAConnectError) {
  Fixture f;
  const auto sid = f.open(f.t0);
  ASSERT_TRUE(f.server.receive_payload(sid, "40/admin,", f.t0));
  EXPECT_EQ(f.server.take_payload(sid, f.t0), R"(44/admin,{"message":"Invalid namespace"})");
}

TEST(EngineIoServer, PingsWhenDueAndForgetsASessionThatNeverPongs) {
  Fixture f;
  const auto sid = f.open(f.t0);
  EXPECT_EQ(f.server.wake_at(sid), f.t0 + 300ms);
  EXPECT_EQ(f.server.take_payload(sid, f.t0 + 300ms), "2");
  EXPECT_TRUE(f.server.holds(sid, f.t0 + 500ms));   // the pong may still come
  EXPECT_FALSE(f.server.holds(sid, f.t0 + 501ms));  // ping timeout
}

// The bug a real poll met: past the deadline the session was still held, wake_at was in the
// past and the poll looked again at once, forever (a core at 100%). It ends with a close.
TEST(EngineIoServer, APollPastThePingDeadlineEndsWithAClosePacket) {
  Fixture f;
  const auto sid = f.open(f.t0);
  EXPECT_EQ(f.server.take_payload(sid, f.t0 + 300ms), "2");
  EXPECT_EQ(f.server.take_payload(sid, f.t0 + 400ms), std::nullopt);
  EXPECT_EQ(f.server.take_payload(sid, f.t0 + 501ms), "1");
  EXPECT_EQ(f.server.size(), 0u);
}

// A packet that comes after the session's ping deadline finds no session.
TEST(EngineIoServer, PacketsAfterThePingDeadlineFindNoSession) {
  Fixture f;
  const auto sid = f.open(f.t0);
  EXPECT_EQ(f.server.receive_payload(sid, "3", f.t0 + 501ms).error().message,
            "the session is gone");
  EXPECT_EQ(f.server.size(), 0u);
}

TEST(EngineIoServer, APongKeepsTheSessionAndTheNextPingFollowsTheInterval) {
  Fixture f;
  const auto sid = f.open(f.t0);
  EXPECT_EQ(f.server.take_payload(sid, f.t0 + 300ms), "2");
  ASSERT_TRUE(f.server.receive_payload(sid, "3", f.t0 + 310ms));
  EXPECT_TRUE(f.server.holds(sid, f.t0 + 590ms));
  EXPECT_EQ(f.server.take_payload(sid, f.t0 + 600ms), "2");
}

TEST(EngineIoServer, AClientThatStopsPollingIsForgottenTooWhenTheSweepRuns) {
  Fixture f;
  f.open(f.t0);
  f.server.sweep(f.t0 + 500ms);
  EXPECT_EQ(f.server.size(), 1u);
  f.server.sweep(f.t0 + 501ms);
  EXPECT_EQ(f.server.size(), 0u);
}

// A client's close packet ends the session and wakes the poll it still holds, which answers
// at once: Apache kept a worker per abandoned poll until the next ping (25 s), and its later
// handshakes timed out.
TEST(EngineIoServer, ACloseWakesTheWaitingPoll) {
  Fixture f;
  const auto sid = f.open(f.t0);
  int wakes = 0;
  f.server.set_waker(sid, [&] { ++wakes; });
  ASSERT_TRUE(f.server.receive_payload(sid, "1", f.t0));
  EXPECT_EQ(wakes, 1);
  EXPECT_EQ(f.server.take_payload(sid, f.t0), "1");
}

TEST(EngineIoServer, ACloseOrAMalformedPacketEndsTheSession) {
  Fixture f;
  const auto a = f.open(f.t0), b = f.open(f.t0);
  ASSERT_TRUE(f.server.receive_payload(a, "1", f.t0));
  EXPECT_FALSE(f.server.holds(a, f.t0));
  EXPECT_FALSE(f.server.receive_payload(b,
                                        "4"
                                        R"(2["x")",
                                        f.t0));
  EXPECT_FALSE(f.server.holds(b, f.t0));
}

TEST(EngineIoServer, ABodyPastMaxPayloadEndsTheSession) {
  EngineIoOptions o = fast();
  o.max_payload = 10;
  Fixture f(o);
  const auto sid = f.open(f.t0);
  EXPECT_EQ(f.server.receive_payload(sid, std::string(11, '6'), f.t0).error().message,
            "a body of 11 bytes (maxPayload 10)");
  EXPECT_FALSE(f.server.holds(sid, f.t0));
}

TEST(EngineIoServer, AFullStoreRefusesHandshakesUntilSessionsExpire) {
  EngineIoOptions o = fast();
  o.max_sessions = 2;
  Fixture f(o);
  f.open(f.t0);
  f.open(f.t0);
  EXPECT_EQ(f.server.open(EioTransport::kPolling, f.t0), std::nullopt);
  EXPECT_TRUE(f.server.open(EioTransport::kPolling, f.t0 + 501ms));  // the others timed out
}

TEST(EngineIoServer, TheUpgradeReleasesTheWaitingPollWithANoop) {
  Fixture f;
  const auto sid = f.open(f.t0);
  int wakes = 0;
  f.server.set_waker(sid, [&] { ++wakes; });
  f.server.release_poll(sid);
  EXPECT_EQ(wakes, 1);
  EXPECT_EQ(f.server.take_payload(sid, f.t0), "6");
  f.server.switch_to_websocket(sid);
  EXPECT_EQ(f.server.transport(sid), EioTransport::kWebSocket);
  ASSERT_TRUE(f.server.receive_message(sid, "40", f.t0));
  EXPECT_EQ(f.server.take_messages(sid, f.t0).size(), 1u);
}

// The client may send its next poll before it reads `3probe`: that poll must not wait for the
// next ping (the client's upgrade would time out waiting for it).
TEST(EngineIoServer, EveryPollDuringTheUpgradeIsReleasedAtOnce) {
  Fixture f;
  const auto sid = f.open(f.t0);
  f.server.release_poll(sid);
  EXPECT_EQ(f.server.take_payload(sid, f.t0), "6");
  EXPECT_EQ(f.server.take_payload(sid, f.t0), "6");  // the poll sent after the released one
  f.server.switch_to_websocket(sid);
  EXPECT_EQ(f.server.take_payload(sid, f.t0), std::nullopt);
}

}  // namespace
}  // namespace sc
