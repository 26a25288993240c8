#pragma once
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
};

}  // namespace sc
