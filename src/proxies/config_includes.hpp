#pragma once
// The resolve step's reading of a configuration's includes: every Apache Include and
// IncludeOptional and nginx include (at any depth, inside <Proxy> too) replaced by the files
// it names, each
// line remembering the file and line it came from, so that the adapter maps the members it
// finds there and every note and error names the user's own file. Relative paths are read
// beside the configuration, then in its parent folder (Debian's ServerRoot for a file of
// sites-available/). I/O: reads files.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/result.hpp"

namespace sc {

struct Spliced {
  std::string text;
  std::vector<std::pair<std::string, std::size_t>> origins;  // per line of text: file, line
  std::vector<std::string> notes;  // "FILE:LINE: ..." for what was included or left out
  bool included = false;           // at least one file was spliced in
  // origins is empty when the text has no include at all (then text is the file's own).
};

// A missing relative file, an unreadable one or an include cycle: an error at the user's line.
// A missing absolute path is a file of the production host: left out, with a note.
Result<Spliced> splice_apache_includes(const std::string& file, std::string_view text);
// nginx's `include` (globs; relative paths also in /etc/nginx, its prefix on Debian): the
// directive's bytes become a comment on a line of their own and the files follow.
Result<Spliced> splice_nginx_includes(const std::string& file, std::string_view text);
// The splicer of `kind`'s language: Apache's (also the reference balancer's, which reads an
// Apache configuration), nginx's or Caddy's; any other kind's text comes back as it is.
Result<Spliced> splice_includes(std::string_view kind, const std::string& file,
                                std::string_view text);
// Caddy's `import` of files (globs; a snippet's import stays as written): the import line
// becomes a comment and the files follow. For lint.
Result<Spliced> splice_caddy_imports(const std::string& file, std::string_view text);

// `message` with each "FILE:LINE" of the spliced text (`file` being the name it was parsed
// under) naming the file and line the line came from (`origins`, as Spliced's); unchanged
// when there are no origins. Pure.
std::string relocate_lines(std::string_view message, const std::string& file,
                           const std::vector<std::pair<std::string, std::size_t>>& origins);

}  // namespace sc
