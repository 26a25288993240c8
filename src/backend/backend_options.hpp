#pragma once
#include <chrono>
#include <cstddef>
#include <string>

namespace sc {

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
};

}  // namespace sc
