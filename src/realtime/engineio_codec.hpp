#pragma once
// engine.io protocol 4 packets and socket.io protocol 5 packets on top of them, as text: the
// one codec the mock backend (server side) and the driver and probe (client side) share. Pure
// functions; every decoder bounds what it accepts and says what was wrong.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace sc::eio {

// The packet types of engine.io 4, as their digit on the wire.
enum class PacketType : char {
  kOpen = '0',
  kClose = '1',
  kPing = '2',
  kPong = '3',
  kMessage = '4',
  kUpgrade = '5',
  kNoop = '6',
};

struct Packet {
  PacketType type = PacketType::kNoop;
  std::string data;  // text after the type digit ("probe" in 2probe, a socket.io packet in 4)
  bool operator==(const Packet&) const = default;
};

// Separates the packets of a polling payload (engine.io 4: the record separator).
inline constexpr char kRecordSeparator = '\x1e';

std::string encode(const Packet& p);
// One packet. Binary packets (`b` + base64) are refused: no part of stickycheck sends them.
Result<Packet> decode(std::string_view text);

// A polling payload: packets joined by kRecordSeparator.
std::string encode_payload(const std::vector<Packet>& packets);
// At most `max_packets` packets, each decoded as above.
Result<std::vector<Packet>> decode_payload(std::string_view text, std::size_t max_packets);

// The engine.io errors a server answers with HTTP 400 {"code":N,"message":"..."}.
enum class ErrorCode {
  kUnknownTransport = 0,
  kUnknownSid = 1,
  kBadHandshakeMethod = 2,
  kBadRequest = 3,
  kForbidden = 4,
  kUnsupportedProtocolVersion = 5,
};
// engine.io's own message for a code ("Session ID unknown" for kUnknownSid).
std::string_view error_message(ErrorCode code);
// The JSON body of the 400 answer, exactly as engine.io writes it.
std::string error_body(ErrorCode code);
// The code of such a body, or none when `body` is not one.
std::optional<ErrorCode> parse_error_body(std::string_view body);

// What the open packet carries.
struct Handshake {
  std::string sid;
  std::vector<std::string> upgrades;
  std::int64_t ping_interval_ms = 25000;
  std::int64_t ping_timeout_ms = 20000;
  std::int64_t max_payload = 1000000;
};
std::string encode_handshake(const Handshake& h);
Result<Handshake> decode_handshake(std::string_view json);

}  // namespace sc::eio

namespace sc::sio {

// The packet types of socket.io 5 (binary ones are refused by the decoder).
enum class PacketType : int {
  kConnect = 0,
  kDisconnect = 1,
  kEvent = 2,
  kAck = 3,
  kConnectError = 4,
};

struct Packet {
  PacketType type = PacketType::kEvent;
  std::string nsp = "/";
  std::optional<std::uint64_t> ack_id;
  std::string data;  // JSON text (an array for events and acks, an object for connect), or ""
  bool operator==(const Packet&) const = default;
};

// socket.io packets longer than this are refused (engine.io's default maxPayload).
inline constexpr std::size_t kMaxPacket = 1000000;

std::string encode(const Packet& p);
// Checks the structure (type, namespace, ack id) and that `data` is valid JSON of the kind
// the type needs; the JSON itself is kept as text.
Result<Packet> decode(std::string_view text);

// An event's name: the first element of its data array, or none.
std::optional<std::string> event_name(const Packet& p);
// The first element of an acknowledgement's data array when it is a string (our backend's
// name), or none.
std::optional<std::string> ack_text(const Packet& p);

}  // namespace sc::sio
