#pragma once
// One Set-Cookie header value as a browser reads it (RFC 6265 §5.2, with the RFC 6265bis
// limits browsers apply), plus the matching rules of RFC 6265 §5.1. Pure: no I/O.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace sc {

// Browsers ignore a cookie whose name plus value exceed 4096 bytes (RFC 6265bis §5.7) and an
// attribute whose value exceeds 1024 bytes; a header beyond 64 KiB is not a cookie anyone
// stores, so it is refused before any scanning (bounds the work on hostile input).
inline constexpr std::size_t kMaxCookieNameValueBytes = 4096;
inline constexpr std::size_t kMaxCookieAttributeValueBytes = 1024;
inline constexpr std::size_t kMaxSetCookieHeaderBytes = 64 * 1024;

enum class SameSite { unset, strict, lax, none, unrecognised };

// One attribute exactly as written (name and value trimmed, not case-folded).
struct CookieAttribute {
  std::string name;
  std::string value;
  bool has_value = false;  // "Secure" vs "Secure="
};

struct SetCookie {
  std::string name;
  std::string value;
  // Typed attributes; the LAST occurrence wins, as in §5.3.
  std::optional<std::string> path;    // only when it starts with '/' (§5.2.4)
  std::optional<std::string> domain;  // lower-cased, one leading '.' removed (§5.2.3)
  std::optional<std::chrono::system_clock::time_point> expires;  // parsed cookie-date
  std::optional<long long> max_age;  // seconds, clamped to the range of long long
  bool secure = false;
  bool http_only = false;
  SameSite same_site = SameSite::unset;
  std::vector<CookieAttribute> attributes;  // all attributes in order, as written

  // The attribute as written in the header ("Domain=.example.com", "Secure"), from its last
  // occurrence, name compared case-insensitively; "" when absent.
  std::string attribute_text(std::string_view attribute_name) const;
  // Empty value or Max-Age <= 0 or Expires not after `now`: the server deletes the cookie.
  bool is_deletion(std::chrono::system_clock::time_point now) const;
};

// Parses one Set-Cookie value. Errors say why a browser would ignore the whole header: no
// '=' in the name-value pair, an empty name, control characters in name or value, or a size
// beyond the limits above.
Result<SetCookie> parse_set_cookie(std::string_view header);

// RFC 6265 §5.1.1 cookie-date ("Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 ...",
// asctime and the many variants browsers accept). nullopt when it is not a date.
std::optional<std::chrono::system_clock::time_point> parse_cookie_date(std::string_view text);

// An IPv4 dotted quad or an IPv6 literal (with or without brackets).
bool is_ip_literal(std::string_view host);

// RFC 6265 §5.1.3: `domain` (a leading '.' is ignored) matches `host` when equal
// (case-insensitive) or when host ends with "." + domain and host is not an IP literal.
bool domain_matches(std::string_view host, std::string_view domain);

// RFC 6265 §5.1.4: the cookie path is a prefix of the request path ending at a '/' boundary.
bool path_matches(std::string_view request_path, std::string_view cookie_path);

// RFC 6265 §5.1.4 default-path of the request URI path (query already removed): "/" unless
// the path has a second '/', then everything before its last '/'.
std::string default_cookie_path(std::string_view request_path);

}  // namespace sc
