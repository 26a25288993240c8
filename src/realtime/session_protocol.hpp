#pragma once
// What a driven session is, as a scenario names it and the driver carries it out.
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

inline std::string_view to_string(SocketIoTransports t) {
  return t.polling && t.websocket ? "polling, websocket" : t.polling ? "polling" : "websocket";
}

}  // namespace sc
