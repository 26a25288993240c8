#include "proxies/apache/apache_includes.hpp"

#include <algorithm>

#include "proxies/apache/apache_syntax.hpp"

namespace sc::apache {

std::vector<IncludeSite> include_sites(std::string_view text) {
  std::vector<IncludeSite> out;
  auto config = parse(text, "");
  if (!config) return out;
  for (const char* name : {"include", "includeoptional"})
    for (const auto& f : find_all(config->directives, name))
      out.push_back({f.directive->line, f.directive->last_line, f.directive->arg(),
                     f.directive->lower() == "includeoptional"});
  std::sort(out.begin(), out.end(),
            [](const IncludeSite& a, const IncludeSite& b) { return a.first_line < b.first_line; });
  return out;
}

}  // namespace sc::apache
