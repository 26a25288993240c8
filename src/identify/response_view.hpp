#pragma once
// What one request/response exchange looks like to backend identification: the parts of a
// response (and the cookies the client sent) that the identify sources read. A plain value;
// the driver fills it, the identify functions only read it.
#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cookie/cookie_pairs.hpp"
#include "cookie/set_cookie.hpp"
#include "util/text.hpp"

namespace sc::identify {

// Identity markers (a JSON field, an HTML comment) sit near the top of a response; reading
// at most 1 MiB bounds the cost of JSON parsing on hostile bodies. Regex sources read less
// (kMaxRegexBodyBytes in explicit_sources.hpp) because std::regex recurses per character.
inline constexpr std::size_t kMaxBodyBytes = 1024 * 1024;

struct HeaderField {
  std::string name;
  std::string value;
};

struct ResponseView {
  int status = 0;
  std::vector<HeaderField> headers;      // in order, duplicates kept
  std::vector<SetCookie> set_cookies;    // parsed Set-Cookie fields, in order
  std::vector<CookiePair> sent_cookies;  // what the client sent in its Cookie header
  std::string_view body;                 // not owned; readers look at bounded_body() only

  // First field named `name` (case-insensitive, RFC 7230 §3.2), value trimmed.
  std::optional<std::string_view> header(std::string_view name) const {
    auto wanted = to_lower(name);
    for (const auto& h : headers)
      if (to_lower(h.name) == wanted) return trim(h.value);
    return std::nullopt;
  }

  // The cookie as this response sets it: the LAST Set-Cookie of that name wins, as in a jar.
  const SetCookie* set_cookie(std::string_view name) const {
    auto it = std::find_if(set_cookies.rbegin(), set_cookies.rend(),
                           [&](const SetCookie& c) { return c.name == name; });
    return it == set_cookies.rend() ? nullptr : &*it;
  }

  // The value the client sent for `name` (first of duplicates, as applications read it).
  std::optional<std::string> sent_cookie(std::string_view name) const {
    return first_cookie(sent_cookies, name);
  }

  std::string_view bounded_body() const { return body.substr(0, kMaxBodyBytes); }
};

// Parses every Set-Cookie field of `headers`; the ones a browser would ignore are dropped.
inline std::vector<SetCookie> parse_set_cookie_fields(const std::vector<HeaderField>& headers) {
  std::vector<SetCookie> out;
  for (const auto& h : headers) {
    if (to_lower(h.name) != "set-cookie") continue;
    if (auto c = parse_set_cookie(h.value); c.ok()) out.push_back(std::move(*c));
  }
  return out;
}

}  // namespace sc::identify
