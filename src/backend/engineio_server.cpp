#include "backend/engineio_server.hpp"

#include <fmt/format.h>

#include "util/json_writer.hpp"
#include "util/text.hpp"

namespace sc {

namespace {

// A sid longer than ours never names a session here; refusing it bounds the lookups' keys.
constexpr std::size_t kMaxSidLength = 64;
// Packets a client has not fetched: past this many the session is closed (a client that
// sends without polling would otherwise grow it without end).
constexpr std::size_t kMaxOutbox = 1000;
// Packets in one polling body (each is at least one byte plus its separator).
constexpr std::size_t kMaxPayloadPackets = 1000;

std::string_view query_value(std::string_view query, std::string_view key) {
  for (auto part : split(query, '&')) {
    const auto eq = part.find('=');
    if (part.substr(0, eq) == key) return eq == part.npos ? "" : part.substr(eq + 1);
  }
  return {};
}

}  // namespace

EioRequest classify_engineio(std::string_view method, std::string_view query, bool is_upgrade) {
  EioRequest r;
  auto refuse = [&](eio::ErrorCode code) {
    r.kind = EioRequest::Kind::kRefused;
    r.error = code;
    return r;
  };
  if (query_value(query, "EIO") != "4") return refuse(eio::ErrorCode::kUnsupportedProtocolVersion);
  const auto transport = query_value(query, "transport");
  if (transport != "polling" && transport != "websocket")
    return refuse(eio::ErrorCode::kUnknownTransport);
  r.sid = std::string(query_value(query, "sid"));
  if (r.sid.size() > kMaxSidLength) return refuse(eio::ErrorCode::kUnknownSid);
  if (transport == "websocket") {
    if (!is_upgrade || method != "GET") return refuse(eio::ErrorCode::kBadRequest);
    r.kind = EioRequest::Kind::kWebSocket;
    return r;
  }
  if (r.sid.empty()) {
    if (method != "GET") return refuse(eio::ErrorCode::kBadHandshakeMethod);
    r.kind = EioRequest::Kind::kHandshake;
    return r;
  }
  if (method == "GET")
    r.kind = EioRequest::Kind::kPoll;
  else if (method == "POST")
    r.kind = EioRequest::Kind::kSend;
  else
    return refuse(eio::ErrorCode::kBadRequest);
  return r;
}

EngineIoServer::EngineIoServer(EngineIoOptions options, std::string backend_name,
                               std::function<unsigned()> random)
    : options_(std::move(options)),
      backend_name_(std::move(backend_name)),
      random_(std::move(random)) {}

std::string EngineIoServer::new_sid() {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string sid(20, 'A');
  for (auto& c : sid) c = kAlphabet[random_() % kAlphabet.size()];
  return sid;
}

bool EngineIoServer::expired(const Session& s, Clock::time_point now) const {
  // A ping sent (or due, for a client that stopped polling) and not answered in time.
  const auto deadline = s.pong_due.value_or(s.next_ping + options_.ping_timeout);
  return now > deadline;
}

// Forgets a session; a poll or WebSocket writer still waiting for it is woken at once, so that
// it ends now (a poll with a close packet) rather than at its next ping, holding a proxy's
// worker meanwhile.
EngineIoServer::Sessions::iterator EngineIoServer::end(Sessions::iterator it) {
  auto wake = std::move(it->second.wake);
  auto next = sessions_.erase(it);
  if (wake) wake();
  return next;
}

void EngineIoServer::close(const std::string& sid) {
  if (auto it = sessions_.find(sid); it != sessions_.end()) end(it);
}

bool EngineIoServer::holds(const std::string& sid, Clock::time_point now) {
  auto it = sessions_.find(sid);
  if (it == sessions_.end()) return false;
  if (!expired(it->second, now)) return true;
  end(it);
  return false;
}

void EngineIoServer::sweep(Clock::time_point now) {
  for (auto it = sessions_.begin(); it != sessions_.end();)
    if (expired(it->second, now))
      it = end(it);
    else
      ++it;
}

std::optional<std::string> EngineIoServer::open(EioTransport transport, Clock::time_point now) {
  if (sessions_.size() >= options_.max_sessions) sweep(now);
  if (sessions_.size() >= options_.max_sessions) return std::nullopt;
  std::string sid = new_sid();
  while (sessions_.contains(sid)) sid = new_sid();
  Session s;
  s.transport = transport;
  s.next_ping = now + options_.ping_interval;
  eio::Handshake h;
  h.sid = sid;
  if (transport == EioTransport::kPolling) h.upgrades = {"websocket"};
  h.ping_interval_ms = options_.ping_interval.count();
  h.ping_timeout_ms = options_.ping_timeout.count();
  h.max_payload = static_cast<std::int64_t>(options_.max_payload);
  sessions_.emplace(std::move(sid), std::move(s));
  return eio::encode({eio::PacketType::kOpen, eio::encode_handshake(h)});
}

void EngineIoServer::queue(Session& s, eio::Packet p) {
  s.outbox.push_back(std::move(p));
  if (s.wake) s.wake();
}

void EngineIoServer::ping_if_due(Session& s, Clock::time_point now) {
  if (s.pong_due || now < s.next_ping) return;
  s.outbox.push_back({eio::PacketType::kPing, ""});
  s.pong_due = now + options_.ping_timeout;
  s.next_ping = now + options_.ping_interval;
}

std::optional<std::string> EngineIoServer::take_payload(const std::string& sid,
                                                        Clock::time_point now) {
  // A session gone (closed, or past a ping's deadline) ends the poll with a close packet.
  if (!holds(sid, now)) return eio::encode({eio::PacketType::kClose, ""});
  auto& s = sessions_.find(sid)->second;
  ping_if_due(s, now);
  // During an upgrade every poll is released at once, as engine.io's 100 ms check does: the
  // client may have sent its next poll before it read `3probe`, and must not wait for a ping.
  if (s.outbox.empty() && s.upgrading) return eio::encode_payload({{eio::PacketType::kNoop, ""}});
  if (s.outbox.empty()) return std::nullopt;
  std::vector<eio::Packet> packets(std::make_move_iterator(s.outbox.begin()),
                                   std::make_move_iterator(s.outbox.end()));
  s.outbox.clear();
  return eio::encode_payload(packets);
}

std::vector<std::string> EngineIoServer::take_messages(const std::string& sid,
                                                       Clock::time_point now) {
  std::vector<std::string> out;
  auto it = sessions_.find(sid);
  if (it == sessions_.end()) return out;
  auto& s = it->second;
  ping_if_due(s, now);
  for (auto& p : s.outbox) out.push_back(eio::encode(p));
  s.outbox.clear();
  return out;
}

EngineIoServer::Clock::time_point EngineIoServer::wake_at(const std::string& sid) const {
  auto it = sessions_.find(sid);
  if (it == sessions_.end()) return Clock::now();
  // With a ping unanswered, the next look is at its deadline (then the session is gone).
  return it->second.pong_due.value_or(it->second.next_ping);
}

void EngineIoServer::set_waker(const std::string& sid, std::function<void()> wake) {
  if (auto it = sessions_.find(sid); it != sessions_.end()) it->second.wake = std::move(wake);
}

EioTransport EngineIoServer::transport(const std::string& sid) const {
  auto it = sessions_.find(sid);
  return it == sessions_.end() ? EioTransport::kPolling : it->second.transport;
}

void EngineIoServer::release_poll(const std::string& sid) {
  if (auto it = sessions_.find(sid); it != sessions_.end()) {
    it->second.upgrading = true;
    queue(it->second, {eio::PacketType::kNoop, ""});
  }
}

void EngineIoServer::switch_to_websocket(const std::string& sid) {
  auto it = sessions_.find(sid);
  if (it == sessions_.end()) return;
  it->second.transport = EioTransport::kWebSocket;
  it->second.upgrading = false;
}

Status EngineIoServer::receive_payload(const std::string& sid, std::string_view body,
                                       Clock::time_point now) {
  // Past its ping's deadline the session is gone, whatever the client sends now.
  if (!holds(sid, now)) return Error{"the session is gone"};
  if (body.size() > options_.max_payload) {
    close(sid);
    return Error{
        fmt::format("a body of {} bytes (maxPayload {})", body.size(), options_.max_payload)};
  }
  auto packets = eio::decode_payload(body, kMaxPayloadPackets);
  if (!packets) {
    close(sid);
    return packets.error();
  }
  for (const auto& p : *packets) {
    auto it = sessions_.find(sid);
    if (it == sessions_.end()) break;  // a close packet ended it
    if (auto st = handle(it->second, sid, p); !st) {
      close(sid);
      return st;
    }
  }
  return ok_status();
}

Status EngineIoServer::receive_message(const std::string& sid, std::string_view text,
                                       Clock::time_point now) {
  if (!holds(sid, now)) return Error{"the session is gone"};
  auto p = eio::decode(text);
  auto it = sessions_.find(sid);
  if (!p) {
    end(it);
    return p.error();
  }
  if (auto st = handle(it->second, sid, *p); !st) {
    close(sid);
    return st;
  }
  return ok_status();
}

Status EngineIoServer::handle(Session& s, const std::string& sid, const eio::Packet& p) {
  switch (p.type) {
    case eio::PacketType::kPong:
      s.pong_due.reset();
      return ok_status();
    case eio::PacketType::kPing:  // the upgrade's probe: answered with its own data
      queue(s, {eio::PacketType::kPong, p.data});
      return ok_status();
    case eio::PacketType::kUpgrade:
      return Error{"an upgrade packet outside an upgrade"};
    case eio::PacketType::kClose:
      close(sid);
      return ok_status();
    case eio::PacketType::kMessage:
      if (s.outbox.size() >= kMaxOutbox)
        return Error{fmt::format("more than {} packets waiting for the client", kMaxOutbox)};
      return handle_socketio(s, p.data);
    case eio::PacketType::kNoop:
      return ok_status();
    case eio::PacketType::kOpen:
      return Error{"an open packet from the client"};
  }
  return ok_status();
}

Status EngineIoServer::handle_socketio(Session& s, std::string_view text) {
  auto p = sio::decode(text);
  if (!p) return p.error();
  switch (p->type) {
    case sio::PacketType::kConnect: {
      sio::Packet answer;
      answer.nsp = p->nsp;
      if (p->nsp == "/") {
        answer.type = sio::PacketType::kConnect;
        answer.data = fmt::format(R"({{"sid":"{}"}})", new_sid());
        s.connected = true;
      } else {
        answer.type = sio::PacketType::kConnectError;
        answer.data = R"({"message":"Invalid namespace"})";
      }
      queue(s, {eio::PacketType::kMessage, sio::encode(answer)});
      return ok_status();
    }
    case sio::PacketType::kDisconnect:
      s.connected = false;
      return ok_status();
    case sio::PacketType::kEvent:
      if (p->ack_id && s.connected && p->nsp == "/") {
        sio::Packet ack;
        ack.type = sio::PacketType::kAck;
        ack.ack_id = p->ack_id;
        ack.data = "[\"";
        append_json_escaped(ack.data, backend_name_);
        ack.data += "\"]";
        queue(s, {eio::PacketType::kMessage, sio::encode(ack)});
      }
      return ok_status();
    default:
      return Error{"a socket.io packet a client does not send"};
  }
}

}  // namespace sc
