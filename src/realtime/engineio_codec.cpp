#include "realtime/engineio_codec.hpp"

#include <fmt/format.h>

#include <charconv>
#include <nlohmann/json.hpp>

#include "util/text.hpp"

namespace sc::eio {

namespace {

bool is_packet_type(char c) { return c >= '0' && c <= '6'; }

}  // namespace

std::string encode(const Packet& p) {
  std::string out;
  out.reserve(1 + p.data.size());
  out += static_cast<char>(p.type);
  out += p.data;
  return out;
}

Result<Packet> decode(std::string_view text) {
  if (text.empty()) return Error{"an empty engine.io packet"};
  if (text.front() == 'b') return Error{"a binary engine.io packet (not supported)"};
  if (!is_packet_type(text.front()))
    return Error{
        fmt::format("an engine.io packet of unknown type '{}'", printable(text.substr(0, 1)))};
  return Packet{static_cast<PacketType>(text.front()), std::string(text.substr(1))};
}

std::string encode_payload(const std::vector<Packet>& packets) {
  std::string out;
  for (std::size_t i = 0; i < packets.size(); ++i) {
    if (i) out += kRecordSeparator;
    out += encode(packets[i]);
  }
  return out;
}

Result<std::vector<Packet>> decode_payload(std::string_view text, std::size_t max_packets) {
  std::vector<Packet> out;
  std::size_t start = 0;
  while (true) {
    if (out.size() == max_packets)
      return Error{fmt::format("more than {} packets in one payload", max_packets)};
    const auto end = text.find(kRecordSeparator, start);
    auto packet =
        decode(text.substr(start, end == std::string_view::npos ? text.npos : end - start));
    if (!packet) return packet.error();
    out.push_back(std::move(*packet));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

std::string_view error_message(ErrorCode code) {
  switch (code) {
    case ErrorCode::kUnknownTransport:
      return "Transport unknown";
    case ErrorCode::kUnknownSid:
      return "Session ID unknown";
    case ErrorCode::kBadHandshakeMethod:
      return "Bad handshake method";
    case ErrorCode::kBadRequest:
      return "Bad request";
    case ErrorCode::kForbidden:
      return "Forbidden";
    case ErrorCode::kUnsupportedProtocolVersion:
      return "Unsupported protocol version";
  }
  return "Bad request";
}

std::string error_body(ErrorCode code) {
  return fmt::format(R"({{"code":{},"message":"{}"}})", static_cast<int>(code),
                     error_message(code));
}

std::optional<ErrorCode> parse_error_body(std::string_view body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("code") || !j["code"].is_number_integer()) return std::nullopt;
  const auto code = j["code"].get<long long>();
  if (code < 0 || code > 5) return std::nullopt;
  return static_cast<ErrorCode>(code);
}

std::string encode_handshake(const Handshake& h) {
  nlohmann::json j = {{"sid", h.sid},
                      {"upgrades", h.upgrades},
                      {"pingInterval", h.ping_interval_ms},
                      {"pingTimeout", h.ping_timeout_ms},
                      {"maxPayload", h.max_payload}};
  return j.dump();
}

Result<Handshake> decode_handshake(std::string_view json) {
  auto j = nlohmann::json::parse(json, nullptr, false);
  if (!j.is_object()) return Error{"the open packet is not a JSON object"};
  Handshake h;
  auto sid = j.find("sid");
  if (sid == j.end() || !sid->is_string() || sid->get<std::string>().empty())
    return Error{"the open packet has no sid"};
  h.sid = sid->get<std::string>();
  if (auto u = j.find("upgrades"); u != j.end() && u->is_array())
    for (const auto& e : *u)
      if (e.is_string()) h.upgrades.push_back(e.get<std::string>());
  auto number = [&](const char* key, std::int64_t& out) -> bool {
    auto it = j.find(key);
    if (it == j.end()) return true;
    if (!it->is_number_integer() || it->get<long long>() < 0) return false;
    out = it->get<std::int64_t>();
    return true;
  };
  if (!number("pingInterval", h.ping_interval_ms) || !number("pingTimeout", h.ping_timeout_ms) ||
      !number("maxPayload", h.max_payload))
    return Error{"the open packet's pingInterval, pingTimeout or maxPayload is not a number"};
  return h;
}

}  // namespace sc::eio

namespace sc::sio {

namespace {

bool json_of_kind(std::string_view text, PacketType type) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return false;
  switch (type) {
    case PacketType::kEvent:
      return j.is_array() && !j.empty() && j[0].is_string();
    case PacketType::kAck:
      return j.is_array();
    case PacketType::kConnect:
      return j.is_object();
    case PacketType::kConnectError:
      return j.is_object() || j.is_string();
    case PacketType::kDisconnect:
      return false;  // carries no data
  }
  return false;
}

}  // namespace

std::string encode(const Packet& p) {
  std::string out = std::to_string(static_cast<int>(p.type));
  if (p.nsp != "/") out += p.nsp + ",";
  if (p.ack_id) out += std::to_string(*p.ack_id);
  out += p.data;
  return out;
}

Result<Packet> decode(std::string_view text) {
  if (text.size() > kMaxPacket)
    return Error{
        fmt::format("a socket.io packet of {} bytes (at most {})", text.size(), kMaxPacket)};
  if (text.empty() || text.front() < '0' || text.front() > '6')
    return Error{"a socket.io packet of unknown type"};
  if (text.front() == '5' || text.front() == '6')
    return Error{"a binary socket.io packet (not supported)"};
  Packet p;
  p.type = static_cast<PacketType>(text.front() - '0');
  std::string_view rest = text.substr(1);
  if (!rest.empty() && rest.front() == '/') {
    const auto comma = rest.find(',');
    if (comma == std::string_view::npos) return Error{"a socket.io namespace without its comma"};
    p.nsp = std::string(rest.substr(0, comma));
    rest = rest.substr(comma + 1);
  }
  std::size_t digits = 0;
  while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
  if (digits > 0) {
    std::uint64_t id = 0;
    auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + digits, id);
    if (ec != std::errc() || ptr != rest.data() + digits)
      return Error{"a socket.io acknowledgement id out of range"};
    p.ack_id = id;
    rest = rest.substr(digits);
  }
  if (!rest.empty() && !json_of_kind(rest, p.type))
    return Error{fmt::format("a socket.io packet of type {} with data that is not what it needs",
                             static_cast<int>(p.type))};
  if (rest.empty() && (p.type == PacketType::kEvent || p.type == PacketType::kAck))
    return Error{"a socket.io event or acknowledgement without data"};
  p.data = std::string(rest);
  return p;
}

std::optional<std::string> event_name(const Packet& p) {
  if (p.type != PacketType::kEvent) return std::nullopt;
  auto j = nlohmann::json::parse(p.data, nullptr, false);
  if (!j.is_array() || j.empty() || !j[0].is_string()) return std::nullopt;
  return j[0].get<std::string>();
}

std::optional<std::string> ack_text(const Packet& p) {
  if (p.type != PacketType::kAck) return std::nullopt;
  auto j = nlohmann::json::parse(p.data, nullptr, false);
  if (!j.is_array() || j.empty() || !j[0].is_string()) return std::nullopt;
  return j[0].get<std::string>();
}

}  // namespace sc::sio
