// engine.io 4 and socket.io 5 packets as text: what the real server and client put on the wire
// (spec/realtime-sessions.md), and what the decoders refuse.
#include "realtime/engineio_codec.hpp"

#include <gtest/gtest.h>

namespace sc {
namespace {

TEST(EngineIoCodec, PacketsAreATypeDigitAndTheirData) {
  EXPECT_EQ(eio::encode({eio::PacketType::kPing, "probe"}), "2probe");
  auto p = eio::decode("4hello");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->type, eio::PacketType::kMessage);
  EXPECT_EQ(p->data, "hello");
}

TEST(EngineIoCodec, UnknownEmptyAndBinaryPacketsAreRefused) {
  EXPECT_EQ(eio::decode("").error().message, "an empty engine.io packet");
  EXPECT_EQ(eio::decode("7x").error().message, "an engine.io packet of unknown type '7'");
  EXPECT_EQ(eio::decode("bAAAA").error().message, "a binary engine.io packet (not supported)");
}

TEST(EngineIoCodec, PayloadsAreSeparatedByTheRecordSeparator) {
  const std::vector<eio::Packet> packets = {{eio::PacketType::kPing, ""},
                                            {eio::PacketType::kMessage, "0"}};
  EXPECT_EQ(eio::encode_payload(packets),
            "2\x1e"
            "40");
  auto back = eio::decode_payload(
      "2\x1e"
      "40",
      10);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, packets);
}

TEST(EngineIoCodec, APayloadWithTooManyPacketsIsRefused) {
  EXPECT_EQ(eio::decode_payload("6\x1e"
                                "6\x1e"
                                "6",
                                2)
                .error()
                .message,
            "more than 2 packets in one payload");
  EXPECT_FALSE(eio::decode_payload("6\x1e", 5));  // an empty last packet
}

TEST(EngineIoCodec, ErrorBodiesAreEngineIosOwn) {
  EXPECT_EQ(eio::error_body(eio::ErrorCode::kUnknownSid),
            R"({"code":1,"message":"Session ID unknown"})");
  EXPECT_EQ(eio::parse_error_body(R"({"code":1,"message":"Session ID unknown"})"),
            eio::ErrorCode::kUnknownSid);
  EXPECT_EQ(eio::parse_error_body("ok"), std::nullopt);
  EXPECT_EQ(eio::parse_error_body(R"({"code":9})"), std::nullopt);
}

TEST(EngineIoCodec, HandshakeRoundTrips) {
  eio::Handshake h{"abc", {"websocket"}, 300, 200, 1000};
  auto back = eio::decode_handshake(eio::encode_handshake(h));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->sid, "abc");
  EXPECT_EQ(back->upgrades, std::vector<std::string>{"websocket"});
  EXPECT_EQ(back->ping_interval_ms, 300);
  EXPECT_EQ(back->ping_timeout_ms, 200);
  EXPECT_EQ(eio::decode_handshake(R"({"upgrades":[]})").error().message,
            "the open packet has no sid");
}

TEST(SocketIoCodec, EventWithAckIdAndNamespace) {
  auto p = sio::decode(R"(2/admin,12["whoami",1])");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->type, sio::PacketType::kEvent);
  EXPECT_EQ(p->nsp, "/admin");
  EXPECT_EQ(p->ack_id, 12u);
  EXPECT_EQ(sio::event_name(*p), "whoami");
  EXPECT_EQ(sio::encode(*p), R"(2/admin,12["whoami",1])");
}

TEST(SocketIoCodec, AckNamesTheBackend) {
  auto p = sio::decode(R"(31["www1"])");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->ack_id, 1u);
  EXPECT_EQ(sio::ack_text(*p), "www1");
}

TEST(SocketIoCodec, ConnectWithAndWithoutData) {
  auto bare = sio::decode("0");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->type, sio::PacketType::kConnect);
  EXPECT_EQ(sio::encode(*bare), "0");
  EXPECT_TRUE(sio::decode(R"(0{"sid":"x"})"));
}

TEST(SocketIoCodec, MalformedPacketsAreRefused) {
  EXPECT_FALSE(sio::decode(""));
  EXPECT_FALSE(sio::decode("9"));
  EXPECT_EQ(sio::decode(R"(51-["x"])").error().message,
            "a binary socket.io packet (not supported)");
  EXPECT_FALSE(sio::decode("2/admin"));                       // a namespace without its comma
  EXPECT_FALSE(sio::decode("2[1]"));                          // an event's name is a string
  EXPECT_FALSE(sio::decode("2"));                             // an event needs data
  EXPECT_FALSE(sio::decode(R"(2["x")"));                      // not JSON
  EXPECT_FALSE(sio::decode("299999999999999999999[\"x\"]"));  // ack id out of range
}

}  // namespace
}  // namespace sc
