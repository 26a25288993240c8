// The sticky value and route lookup, with the invariants httpd's rules imply. Input lines:
// stickysession spec, separator (one byte, or empty for Off), URL, Cookie header.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cookie/cookie_pairs.hpp"
#include "cookie/sticky_lookup.hpp"
#include "util/text.hpp"

static void check(bool ok) {
  if (!ok) std::abort();
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto parts = sc::split(in, '\n');
  while (parts.size() < 4) parts.push_back("");
  sc::StickyConfig config = sc::StickyConfig::from_stickysession(parts[0]);
  config.separator = parts[1].empty() ? 0 : parts[1][0];
  config.semicolon_delimits = size % 2 == 1;
  const std::string_view url = parts[2], cookies = parts[3];

  if (auto v = sc::apache_cookie_value(cookies, config.cookie_name)) {
    check(cookies.find(*v) != std::string_view::npos);
    check(v->find(';') == std::string::npos && v->find(',') == std::string::npos);
  }
  if (auto p = sc::apache_url_param(url, config.param_name, config.semicolon_delimits)) {
    check(!p->empty() && p->find('&') == std::string::npos && p->find('?') == std::string::npos);
  }
  auto found = sc::find_sticky(config, url, cookies);
  if (found.route) {
    check(found.value.has_value() && !found.route->empty());
    check(std::string_view(*found.value).ends_with(*found.route));
  }
  for (const auto& pair : sc::parse_cookie_header(cookies)) check(!pair.name.empty());
  sc::percent_decode(url);
  return 0;
}
