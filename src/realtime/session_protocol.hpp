#pragma once
// What a driven session is, as a scenario names it and the driver carries it out.
#include <optional>
#include <string>
#include <string_view>

namespace sc {

// kHttp: page requests. kSocketIo: a socket.io client (engine.io 4, over its transports) that
// connects and emits acknowledged events, one record per event. kWebSocket: a plain
// WebSocket whose messages are echoed, one record per message.
enum class SessionProtocol { kHttp, kSocketIo, kWebSocket };

inline std::string_view to_string(SessionProtocol p) {
  return p == SessionProtocol::kSocketIo    ? "socket.io"
         : p == SessionProtocol::kWebSocket ? "websocket"
                                            : "http";
}

inline SessionProtocol session_protocol_from(std::string_view s) {
  return s == "socket.io"   ? SessionProtocol::kSocketIo
         : s == "websocket" ? SessionProtocol::kWebSocket
                            : SessionProtocol::kHttp;
}

// The socket.io client's `transports` option: long-polling upgraded to a WebSocket when both
// are listed (the client's default), one of them alone otherwise.
struct SocketIoTransports {
  bool polling = true;
  bool websocket = true;
};

// How a socket.io session's record of a failed upgrade begins: the driver writes it, the
// diagnosis reads it.
inline constexpr std::string_view kUpgradeRefused = "the upgrade to WebSocket failed";
// How the record of a long-poll that got no engine.io answer begins (the proxy answered it
// instead, or cut it), followed by " answered HTTP 504 after 3 s" or " cut after 3 s: ...".
inline constexpr std::string_view kLongPollEnded = "the long-poll was";

// The record's words for a long-poll held `seconds` that ended with a proxy's `status`, or
// (status 0) was cut with `error`.
std::string long_poll_end_text(int status, long seconds, std::string_view error);

// The seconds such a record says the poll was held; nullopt for other words.
std::optional<long> long_poll_held_seconds(std::string_view text);

inline std::string_view to_string(SocketIoTransports t) {
  return t.polling && t.websocket ? "polling, websocket" : t.polling ? "polling" : "websocket";
}

}  // namespace sc
