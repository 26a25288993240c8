#pragma once
// The mock backend's engine.io 4 / socket.io 5 server: sessions by sid, what each has queued
// for its client, pings and their deadlines, and the socket.io packets it answers (connect,
// and every event with an acknowledgement id acknowledged with the backend's name: the
// identity our driver reads). A pure state machine over (request, time); the transport (HTTP
// long-polling, WebSocket) is engineio_transport.
#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "backend/backend_options.hpp"
#include "realtime/engineio_codec.hpp"

namespace sc {

// Which transport a session uses now.
enum class EioTransport { kPolling, kWebSocket };

// What a request to the engine.io path asks, from its method, query and Upgrade header.
struct EioRequest {
  enum class Kind { kHandshake, kPoll, kSend, kWebSocket, kRefused };
  Kind kind = Kind::kRefused;
  std::string sid;         // the request's sid ("" for a handshake)
  eio::ErrorCode error{};  // kRefused: the 400 to answer
};
// `query`: the target's text after '?'. `is_upgrade`: it asks for a WebSocket.
EioRequest classify_engineio(std::string_view method, std::string_view query, bool is_upgrade);

class EngineIoServer {
 public:
  using Clock = std::chrono::steady_clock;

  EngineIoServer(EngineIoOptions options, std::string backend_name,
                 std::function<unsigned()> random);

  const EngineIoOptions& options() const { return options_; }
  bool holds(const std::string& sid, Clock::time_point now);
  std::size_t size() const { return sessions_.size(); }

  // A new session; its open packet ("0{...}"), or none when the store is full.
  std::optional<std::string> open(EioTransport transport, Clock::time_point now);
  // Forgets the session (its waiting poll is answered with a close packet).
  void close(const std::string& sid);

  // The packets due for the client now (those queued, a ping when due), as a polling payload;
  // none when there is nothing yet (the poll waits until wake_at or a wake).
  std::optional<std::string> take_payload(const std::string& sid, Clock::time_point now);
  // The same, one packet per WebSocket message.
  std::vector<std::string> take_messages(const std::string& sid, Clock::time_point now);
  // When a waiting transport must look again (the next ping).
  Clock::time_point wake_at(const std::string& sid) const;
  // Called when a packet is queued for the session (wakes its waiting poll or writer).
  void set_waker(const std::string& sid, std::function<void()> wake);

  // Packets from the client (a POST body, or one WebSocket message). An error closes the
  // session and says why; the caller answers 400.
  Status receive_payload(const std::string& sid, std::string_view body, Clock::time_point now);
  Status receive_message(const std::string& sid, std::string_view text, Clock::time_point now);
  // The upgrade: after the probe (`2probe`, answered `3probe` on the WebSocket) the poll still
  // waiting, and every poll until `5`, is released with a noop, so that the client can pause
  // polling and send `5`; then the session switches.
  void release_poll(const std::string& sid);
  void switch_to_websocket(const std::string& sid);
  EioTransport transport(const std::string& sid) const;

  // Forgets sessions whose client missed a ping's deadline (engine.io's "ping timeout").
  void sweep(Clock::time_point now);

 private:
  struct Session {
    EioTransport transport = EioTransport::kPolling;
    std::deque<eio::Packet> outbox;
    Clock::time_point next_ping;
    std::optional<Clock::time_point> pong_due;  // a ping is unanswered until then
    bool connected = false;                     // socket.io's namespace "/"
    bool upgrading = false;                     // probed, `5` not yet received
    std::function<void()> wake;
  };

  using Sessions = std::unordered_map<std::string, Session>;
  std::string new_sid();
  bool expired(const Session& s, Clock::time_point now) const;
  void queue(Session& s, eio::Packet p);
  void ping_if_due(Session& s, Clock::time_point now);
  Status handle(Session& s, const std::string& sid, const eio::Packet& p);
  Status handle_socketio(Session& s, std::string_view text);

  EngineIoOptions options_;
  std::string backend_name_;
  std::function<unsigned()> random_;
  Sessions::iterator end(Sessions::iterator it);

  Sessions sessions_;
};

}  // namespace sc
