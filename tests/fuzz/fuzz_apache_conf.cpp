// The Apache configuration reader on arbitrary text: an error or a site, never a crash.
#include <cstdint>
#include <string_view>

#include "balancer/apache_conf.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto site = sc::parse_apache_conf(
      std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.conf");
  if (site.ok())
    for (const auto& r : site->routes)
      if (r.balancer >= static_cast<int>(site->balancers.size())) __builtin_trap();
  return 0;
}
