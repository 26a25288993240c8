#pragma once
// Where an Apache configuration pulls in other files (Include, IncludeOptional), found with
// the Apache grammar at any depth (inside <Proxy> and <VirtualHost> too). Pure: the resolve
// step reads the files and splices them in (proxies/config_includes.hpp).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sc::apache {

struct IncludeSite {
  std::size_t first_line = 0, last_line = 0;  // 1-based, continuations included
  std::string pattern;                         // as written: a path, perhaps with wildcards
  bool optional = false;                       // IncludeOptional: no match is not an error
  // Inside an <IfDefine> that is false where it stands (Define/UnDefine of this file, in
  // order): httpd never reads it.
  bool not_read = false;
};

// In file order. A text the grammar refuses has none (the adapter reports its error).
std::vector<IncludeSite> include_sites(std::string_view text);

}  // namespace sc::apache
