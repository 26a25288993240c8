#include "cookie/session_cookie_names.hpp"

#include <array>

#include "util/text.hpp"

namespace sc {
namespace {

bool hex_tail(std::string_view s) {
  return s.size() >= 16 && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

}  // namespace

bool is_session_cookie_name(std::string_view name) {
  static constexpr std::array<std::string_view, 15> kNames = {
      "phpsessid",       "jsessionid",  "asp.net_sessionid", ".aspnetcore.session", "connect.sid",
      "laravel_session", "_session_id", "session",           "sessionid",           "sid",
      "play_session",    "cfid",        "cftoken",           "jsessionidsso",       "session_id"};
  auto lower = to_lower(name);
  for (auto known : kNames)
    if (lower == known) return true;
  if (lower.ends_with("_session")) return true;
  // Drupal: SESS or SSESS (https) followed by a hex hash of the site.
  if (lower.starts_with("ssess")) return hex_tail(std::string_view(lower).substr(5));
  if (lower.starts_with("sess")) return hex_tail(std::string_view(lower).substr(4));
  return false;
}

}  // namespace sc
