#include "identify/session_cookies.hpp"

#include <algorithm>
#include <array>

#include "util/text.hpp"

namespace sc::identify {
namespace {

// The session id without a ".route" suffix (Tomcat jvmRoute, Apache stickysession).
std::string_view id_part(std::string_view value) { return value.substr(0, value.find('.')); }

bool base64_or_escaped(std::string_view v) {
  return !v.empty() &&
         v.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                             "+/=-_.%") == std::string_view::npos;
}

constexpr std::size_t kSealedLength = 40;  // a JSON envelope or data plus digest, at least

}  // namespace

bool is_opaque_value(std::string_view v) {
  if (!base64_or_escaped(v) || v.size() < kSealedLength) return false;
  // Only the framework envelopes that are re-made on every answer: a long value alone is no
  // sign (ASP.NET Core's CfDJ8... session and a long PHP id change only when lost).
  if (v.starts_with("eyJpdiI6")) return true;  // base64 of {"iv": Laravel's envelope
  if (v.starts_with("eyJ") && std::count(v.begin(), v.end(), '.') == 2) return true;  // JWT
  const auto digest = v.rfind("--");  // Rails' cookie store: DATA--DIGEST
  return digest != std::string_view::npos && digest >= 16 && v.size() - digest - 2 >= 16;
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
