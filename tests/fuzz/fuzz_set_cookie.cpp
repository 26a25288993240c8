// Set-Cookie parsing and the report's cookie tally, with the invariants RFC 6265 implies.
// Input lines: the Set-Cookie value, a host, a request path.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cookie/cookie_tally.hpp"
#include "cookie/set_cookie.hpp"
#include "util/text.hpp"

static void check(bool ok) {
  if (!ok) std::abort();
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto parts = sc::split(in, '\n');
  while (parts.size() < 3) parts.push_back("");
  auto cookie = sc::parse_set_cookie(parts[0]);
  if (cookie) {
    check(!cookie->name.empty());
    // A path attribute is kept only when it is an absolute path (RFC 6265 5.2.4).
    check(!cookie->path || (!cookie->path->empty() && cookie->path->front() == '/'));
    if (cookie->path) check(sc::path_matches(*cookie->path, *cookie->path));
    // Any host against any domain: total, never a crash (a domain may look like an address).
    sc::domain_matches(parts[1], cookie->domain.value_or(""));
  }
  const std::string path = sc::default_cookie_path(parts[2]);
  check(!path.empty() && path.front() == '/');
  sc::CookieTally tally;
  for (int i = 0; i < 3; ++i) tally.add(parts[0]);
  check(tally.entries().size() <= 1);
  for (const auto& e : tally.entries()) {
    check(e.responses == 3);
    check(e.examples.size() <= 1);
    check(e.name.size() <= sc::CookieTally::kMaxText);
  }
  return 0;
}
