#include "proxies/apache/apache_includes.hpp"

#include <algorithm>
#include <set>

#include "proxies/apache/apache_syntax.hpp"

namespace sc::apache {

std::vector<IncludeSite> include_sites(std::string_view text) {
  std::vector<IncludeSite> out;
  auto config = parse(text, "");
  if (!config) return out;
  // What httpd reads: <IfDefine> as this file's Defines decide, every module counted loaded.
  Conditions c;
  c.has_module = [](std::string_view) { return true; };
  const auto read = evaluated(config->directives, c);
  std::set<std::size_t> read_lines;
  for (const char* name : {"include", "includeoptional"})
    for (const auto& f : find_all(read, name)) read_lines.insert(f.directive->line);
  for (const char* name : {"include", "includeoptional"})
    for (const auto& f : find_all(config->directives, name))
      out.push_back({f.directive->line, f.directive->last_line, f.directive->arg(),
                     f.directive->lower() == "includeoptional",
                     !read_lines.contains(f.directive->line)});
  std::sort(out.begin(), out.end(),
            [](const IncludeSite& a, const IncludeSite& b) { return a.first_line < b.first_line; });
  return out;
}

}  // namespace sc::apache
