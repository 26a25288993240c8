#pragma once
#include <chrono>
#include <cstddef>
#include <string>

namespace sc {

// The real-time side of the mock backend: engine.io 4 / socket.io 5 and a WebSocket echo.
struct EngineIoOptions {
  bool enabled = true;
  std::string path = "/socket.io/";  // engine.io's default
  std::chrono::milliseconds ping_interval{25000};
  std::chrono::milliseconds ping_timeout{20000};
  std::size_t max_payload = 1'000'000;  // bytes of one polling body or WebSocket message
  std::size_t max_sessions = 10'000;    // a handshake beyond is answered 503
  std::string websocket_path = "/ws";   // the plain WebSocket echo; "" for none
};

enum class IdStyle { kPhp, kSuffix };
enum class RouteCookieWhen { kAlways, kSessionStart };

struct BackendOptions {
  std::string name;
  std::string route;  // defaults to name
  std::string session_cookie = "PHPSESSID";
  IdStyle id_style = IdStyle::kPhp;
  char id_separator = '.';  // between id and route in the suffix style
  // e.g. "BALANCEID=balancer.{name}; path=/"; {name} and {route} are substituted. Empty: none.
  std::string route_cookie;
  RouteCookieWhen route_cookie_when = RouteCookieWhen::kAlways;
  bool strict = false;  // like session.use_strict_mode: unknown ids are replaced
  // The session store's bounds: at most this many sessions (new ones beyond are refused with
  // 503), each forgotten after this long without a request (PHP's session.gc_maxlifetime).
  std::size_t session_max = 100'000;
  std::chrono::milliseconds session_lifetime{1440 * 1000};
  EngineIoOptions realtime;
};

}  // namespace sc
