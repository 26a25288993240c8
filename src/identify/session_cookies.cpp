#include "identify/session_cookies.hpp"

#include <array>

#include "util/text.hpp"

namespace sc::identify {
namespace {

bool hex_tail(std::string_view s) {
  return s.size() >= 16 && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

// The session id without a ".route" suffix (Tomcat jvmRoute, Apache stickysession).
std::string_view id_part(std::string_view value) { return value.substr(0, value.find('.')); }

bool base64_or_escaped(std::string_view v) {
  return !v.empty() &&
         v.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                             "+/=-_.%") == std::string_view::npos;
}

constexpr std::size_t kOpaqueLength = 96;
constexpr std::size_t kSealedLength = 40;  // a JSON envelope or data plus digest, at least

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

bool is_opaque_value(std::string_view v) {
  if (!base64_or_escaped(v)) return false;
  if (v.size() >= kOpaqueLength) return true;
  if (v.size() < kSealedLength) return false;
  // base64 of '{"' (Laravel's envelope, a JWT's header), or Rails' DATA--DIGEST.
  return v.starts_with("eyJ") || v.find("--") != std::string_view::npos;
}

bool is_session_reissue(std::string_view sent, const SetCookie& set,
                        std::chrono::system_clock::time_point now) {
  if (sent.empty() || set.is_deletion(now) || set.value == sent) return false;
  if (is_opaque_value(sent) && is_opaque_value(set.value)) return false;
  return id_part(set.value) != id_part(sent);
}

std::optional<SessionLoss> find_session_loss(const ResponseView& view,
                                             const SessionCookieRule& rule,
                                             std::chrono::system_clock::time_point now) {
  for (const auto& sent : view.sent_cookies) {
    if (!rule.matches(sent.name)) continue;
    const auto* set = view.set_cookie(sent.name);
    if (set && is_session_reissue(sent.value, *set, now))
      return SessionLoss{sent.name, sent.value, set->value};
  }
  return std::nullopt;
}

}  // namespace sc::identify
