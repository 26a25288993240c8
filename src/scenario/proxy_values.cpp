#include "scenario/proxy_values.hpp"

#include <fmt/format.h>

#include "backend/backend_check.hpp"
#include "util/text.hpp"

namespace sc {

std::string stickysession_problem(std::string_view v) {
  const auto bar = v.find('|');
  const bool ok = bar == std::string_view::npos
                      ? is_http_token(v)
                      : is_http_token(v.substr(0, bar)) && is_http_token(v.substr(bar + 1));
  if (ok) return "";
  return fmt::format("expected a cookie name or COOKIE|param (RFC 6265 token characters), got '{}'",
                     printable(v));
}

std::string stickysessionsep_problem(std::string_view v) {
  if (v == "Off" || v == "off" || (v.size() == 1 && is_cookie_octet(v[0]))) return "";
  return fmt::format("expected a single character a cookie value may hold, or Off, got '{}'",
                     printable(v));
}

}  // namespace sc
