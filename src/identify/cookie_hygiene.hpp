#pragma once
// Findings about a cookie as the server set it, seen from the probed URL: attributes that
// make the client drop it or never send it back, and a cookie re-set on every response.
// Each finding names the cookie and the attribute, quotes the attribute as written, and says
// the consequence in one sentence. Pure.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cookie/set_cookie.hpp"

namespace sc::identify {

struct ProbedUrl {
  std::string scheme;              // "http" or "https"
  std::string host;                // host name or IP literal, without the port
  std::vector<std::string> paths;  // the request paths the probe sends (no query)
};

enum class HygieneIssue {
  path_not_covering,              // Path (or the default path) misses a probed path
  domain_mismatch,                // Domain does not domain-match the host
  secure_on_http,                 // Secure on a plain http URL
  same_site_none_without_secure,  // SameSite=None without Secure
  expired_on_first_set,           // Max-Age <= 0 or Expires in the past when first set
  reset_every_response,           // a new value on every response of a session
};

// Stable snake_case names for reports.
constexpr std::string_view to_string(HygieneIssue i) {
  switch (i) {
    case HygieneIssue::path_not_covering:
      return "path_not_covering";
    case HygieneIssue::domain_mismatch:
      return "domain_mismatch";
    case HygieneIssue::secure_on_http:
      return "secure_on_http";
    case HygieneIssue::same_site_none_without_secure:
      return "same_site_none_without_secure";
    case HygieneIssue::expired_on_first_set:
      return "expired_on_first_set";
    case HygieneIssue::reset_every_response:
      break;
  }
  return "reset_every_response";
}

struct HygieneFinding {
  HygieneIssue issue;
  std::string cookie;          // the cookie's name
  std::string attribute;       // "Path", "Domain", "Secure", "SameSite", "Max-Age", "value"
  std::string attribute_text;  // as written: "Domain=.example.com"; or what applied instead
  std::string cause;           // one sentence naming the attribute and the consequence
};

// A session needs this many responses before "a new value on every response" means a
// pattern rather than a coincidence of a login and a failover.
inline constexpr std::size_t kMinResponsesForResetPattern = 3;

// Attribute findings for a cookie the first time it was set. `set_on_path` is the request
// path of the response that set it: without a Path attribute the cookie's path defaults to
// its directory (RFC 6265 §5.1.4).
std::vector<HygieneFinding> check_cookie_as_set(const SetCookie& cookie,
                                                std::string_view set_on_path, const ProbedUrl& url,
                                                std::chrono::system_clock::time_point now);

// `set_values[i]`: the value response i of ONE session set for cookie `name`, nullopt when
// that response did not set it. A finding when every response set it, each with a value
// different from the one before.
std::optional<HygieneFinding> check_reset_pattern(
    std::string_view name, const std::vector<std::optional<std::string>>& set_values);

}  // namespace sc::identify
