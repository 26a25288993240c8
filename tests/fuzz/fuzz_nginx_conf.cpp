// nginx's grammar and the nginx adapter on arbitrary text: an error or an adapted file, never
// a crash; every token's span lies inside the text, and the adapter keeps the user's lines.
#include <algorithm>
#include <cstdint>
#include <string_view>

#include "fuzz_adapt_input.hpp"
#include "proxies/config_adapt.hpp"
#include "proxies/nginx/nginx_site.hpp"
#include "proxies/nginx/nginx_syntax.hpp"

namespace {

void check_spans(const std::vector<sc::nginx::Directive>& ds, std::size_t size) {
  for (const auto& d : ds) {
    if (d.name.begin > d.name.end || d.name.end > size || d.end > size) __builtin_trap();
    for (const auto& a : d.args)
      if (a.begin > a.end || a.end > size || a.begin < d.name.end) __builtin_trap();
    check_spans(d.children, size);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto config = sc::nginx::parse(text, "fuzz.conf");
  if (!config.ok()) return 0;
  check_spans(config->directives, size);
  (void)sc::nginx::read_site(*config);
  const sc::AdaptInput in = sc::fuzz::adapt_input();
  auto adapted = sc::adapt_config("nginx", text, in);
  if (adapted.ok() && adapted->keeps_lines &&
      std::count(adapted->text.begin(), adapted->text.end(), '\n') <
          std::count(text.begin(), text.end(), '\n'))
    __builtin_trap();
  return 0;
}
