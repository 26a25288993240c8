// The Cookie header as an application sees it (parse_cookie_header, first_cookie): any input
// gives trimmed, non-empty names, and what it gives survives a write and a second parse.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cookie/cookie_pairs.hpp"
#include "util/text.hpp"

static void check(bool ok) {
  if (!ok) std::abort();
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view header(reinterpret_cast<const char*>(data), size);
  const auto pairs = sc::parse_cookie_header(header);
  check(pairs.size() <= sc::split(header, ';').size());
  std::string written;
  for (const auto& p : pairs) {
    check(!p.name.empty() && sc::trim(p.name) == p.name && sc::trim(p.value) == p.value);
    check(p.name.find_first_of(";=") == std::string::npos &&
          p.value.find(';') == std::string::npos);
    if (!written.empty()) written += "; ";
    written += p.name + "=" + p.value;
  }
  // Duplicates are kept in order, so the first of a name is what first_cookie answers.
  if (!pairs.empty()) check(sc::first_cookie(pairs, pairs.front().name) == pairs.front().value);
  const auto again = sc::parse_cookie_header(written);
  check(again.size() == pairs.size());
  for (std::size_t i = 0; i < again.size() && i < pairs.size(); ++i)
    check(again[i].name == pairs[i].name && again[i].value == pairs[i].value);
  return 0;
}
