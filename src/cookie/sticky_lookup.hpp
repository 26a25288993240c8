#pragma once
// How mod_proxy_balancer finds the sticky value and the route in a request
// (spec/apache-balancer.md §1). Pure functions, reproduced rule by rule.
#include <optional>
#include <string>
#include <string_view>

namespace sc {

// Value of cookie `name` in a (merged) Cookie header as httpd finds it: the name must start
// the header or follow ';', ',' or whitespace; whitespace may precede '='; the value runs to
// the first ';' or ','. A name followed by '=' at the very end of the header is skipped.
std::optional<std::string> apache_cookie_value(std::string_view cookie_header,
                                               std::string_view name);

// Value of URL parameter `name` searched as a plain substring of `url` (percent-decoded path
// plus query): the text after "name=" up to the next '?' or '&' (and ';' when
// `semicolon_delimits`), leading delimiters skipped. nullopt when nothing is left.
std::optional<std::string> apache_url_param(std::string_view url, std::string_view name,
                                            bool semicolon_delimits);

// The route in a sticky value: everything after the FIRST separator. No separator or an empty
// remainder yields nullopt. `separator` 0 means stickysessionsep=Off: the whole value.
std::optional<std::string> route_of(std::string_view sticky_value, char separator);

struct StickyLookup {
  std::optional<std::string> value;  // the sticky value found, if any
  std::string source_name;           // the cookie or parameter name that yielded it
  bool from_url = false;
  std::optional<std::string> route;  // the route within the value, if any
};

struct StickyConfig {
  std::string cookie_name;  // empty: no stickysession configured
  std::string param_name;
  char separator = '.';
  bool semicolon_delimits = false;

  // Parses "NAME" or "COOKIE|param" as in stickysession=...; names over 63 chars are
  // truncated like httpd does.
  static StickyConfig from_stickysession(std::string_view spec);
};

// URL parameter first; if it yields any value the cookie is not consulted.
StickyLookup find_sticky(const StickyConfig& config, std::string_view url,
                         std::string_view cookie_header);

}  // namespace sc
