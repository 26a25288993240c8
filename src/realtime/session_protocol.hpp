#pragma once
// What a driven session is, as a scenario names it and the driver carries it out.
#include <string_view>

namespace sc {

// kHttp: page requests. kSocketIo: a socket.io client over engine.io 4's long-polling that
// connects and emits acknowledged events, one record per event.
enum class SessionProtocol { kHttp, kSocketIo };

inline std::string_view to_string(SessionProtocol p) {
  return p == SessionProtocol::kSocketIo ? "socket.io" : "http";
}

}  // namespace sc
