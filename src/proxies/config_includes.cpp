#include "proxies/config_includes.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <glob.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "proxies/apache/apache_includes.hpp"
#include "proxies/nginx/nginx_syntax.hpp"
#include "util/text.hpp"

namespace sc {

namespace {

namespace fs = std::filesystem;

constexpr int kMaxDepth = 8;

bool has_wildcard(std::string_view p) { return p.find_first_of("*?[") != std::string_view::npos; }

std::vector<std::string> glob_files(const std::string& pattern) {
  std::vector<std::string> out;
  glob_t g{};
  if (::glob(pattern.c_str(), 0, nullptr, &g) == 0)
    for (std::size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
  ::globfree(&g);
  std::error_code ec;
  std::erase_if(out, [&](const std::string& p) { return !fs::is_regular_file(p, ec); });
  std::sort(out.begin(), out.end());
  return out;
}

// The files an include names: a directory stands for the files in it (as httpd reads it).
std::vector<std::string> matches_of(const std::string& path) {
  std::error_code ec;
  if (has_wildcard(path)) return glob_files(path);
  if (fs::is_directory(path, ec)) return glob_files(path + "/*");
  if (fs::exists(path, ec)) return {path};
  return {};
}

// One include, wherever its language writes it.
struct IncludeSite {
  std::size_t line = 0;       // 1-based, in the including file
  std::size_t last_line = 0;  // Apache: the directive's last line (continuations)
  std::string pattern;        // as written
  std::string keyword;        // "Include", "IncludeOptional", "include"
  bool optional = false;      // no match is not an error
  std::size_t begin = 0, end = 0;  // nginx: the directive's bytes
  bool not_read = false;           // Apache: under a false <IfDefine>, kept as written
};

struct Splicer {
  enum class Kind { apache, nginx, caddy } kind;
  Spliced out;

  Status file(const std::string& name, std::string_view text, int depth);
  Status include(const std::string& name, const IncludeSite& site, int depth);
  // Appends `chunk` of `name`, whose first byte stands on `line`: each line it starts takes
  // that origin (a line continued from the previous chunk keeps the previous one's).
  void append(std::string_view chunk, const std::string& name, std::size_t line) {
    for (char c : chunk) {
      if (out.text.empty() || out.text.back() == '\n') out.origins.push_back({name, line});
      out.text += c;
      if (c == '\n') ++line;
    }
  }
  void end_line() {
    if (!out.text.empty() && out.text.back() != '\n') out.text += '\n';
  }
  std::vector<std::string> candidates(const std::string& name, const std::string& pattern) const;
  std::vector<IncludeSite> sites_of(std::string_view text) const;
};

std::vector<std::string> Splicer::candidates(const std::string& name,
                                             const std::string& pattern) const {
  const fs::path p(pattern);
  if (p.is_absolute()) return {pattern};
  const auto dir = fs::path(name).parent_path();
  std::vector<std::string> out = {(dir / p).string(), (dir.parent_path() / p).string()};
  // nginx reads a relative include from its configuration prefix (Debian's /etc/nginx:
  // proxy_params, snippets/, mime.types).
  if (kind == Kind::nginx) out.push_back((fs::path("/etc/nginx") / p).string());
  return out;
}

// Caddy's `import PATTERN` of files, one a line; an import of a snippet ("(name)" defined in
// this file, or a bare name defined in another) is the grammar's business, not a file.
std::vector<IncludeSite> caddy_imports(std::string_view text) {
  std::vector<std::string> snippets;
  const auto lines = split(text, '\n');
  for (const auto& l : lines) {
    const auto t = trim(l);
    if (t.starts_with("(") && t.find(')') != std::string_view::npos)
      snippets.emplace_back(t.substr(1, t.find(')') - 1));
  }
  std::vector<IncludeSite> out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::vector<std::string_view> words;
    for (auto w : split(trim(lines[i]), ' '))
      if (!w.empty()) words.push_back(w);
    if (words.size() < 2 || words[0] != "import") continue;
    if (std::find(snippets.begin(), snippets.end(), words[1]) != snippets.end()) continue;
    // A bare name is a snippet of another file of the same configuration (Caddy looks snippets
    // up first); a file import has a path, an extension or a wildcard.
    if (words[1].find_first_of("/.*?[") == std::string_view::npos) continue;
    out.push_back({i + 1, i + 1, std::string(words[1]), "import", has_wildcard(words[1]), 0, 0});
  }
  return out;
}

std::vector<IncludeSite> Splicer::sites_of(std::string_view text) const {
  std::vector<IncludeSite> out;
  if (kind == Kind::caddy) return caddy_imports(text);
  if (kind == Kind::apache) {
    for (const auto& s : apache::include_sites(text))
      out.push_back({s.first_line, s.last_line, s.pattern,
                     s.optional ? "IncludeOptional" : "Include", s.optional, 0, 0, s.not_read});
    return out;
  }
  auto config = nginx::parse(text, "");
  if (!config) return out;  // the adapter reports the error
  for (const auto& f : nginx::find_all(config->directives, "include"))
    out.push_back({f.directive->name.line, 0, f.directive->arg(), "include", false,
                   f.directive->name.begin, f.directive->end});
  std::sort(out.begin(), out.end(),
            [](const IncludeSite& a, const IncludeSite& b) { return a.begin < b.begin; });
  return out;
}

Status Splicer::include(const std::string& name, const IncludeSite& site, int depth) {
  const auto where = fmt::format("{}:{}", name, site.line);
  const auto paths = candidates(name, site.pattern);
  const bool absolute = fs::path(site.pattern).is_absolute();
  std::vector<std::string> found;
  for (const auto& c : paths)
    if (found = matches_of(c); !found.empty()) break;
  if (found.empty()) {
    if (site.optional || has_wildcard(site.pattern) || absolute) {
      out.notes.push_back(fmt::format(
          "{}: {} {} left out: {}", where, site.keyword, site.pattern,
          absolute ? "no such file here (a file of the production host)" : "nothing matches"));
      return ok_status();
    }
    return Error{fmt::format("{}: {} {}: no such file (looked for {}; a relative path is read "
                             "beside the configuration, then in its parent folder{})",
                             where, site.keyword, site.pattern, fmt::join(paths, " and "),
                             kind == Kind::nginx ? ", then in /etc/nginx" : "")};
  }
  if (depth >= kMaxDepth)
    return Error{fmt::format("{}: {} {}: includes nested deeper than {} levels (a file that "
                             "includes itself?)",
                             where, site.keyword, site.pattern, kMaxDepth)};
  for (const auto& f : found) {
    auto text = read_text_file(f);
    if (!text)
      return Error{fmt::format("{}: {} {}: cannot read {}", where, site.keyword, site.pattern, f)};
    out.notes.push_back(fmt::format("{}: {} {}: read {}", where, site.keyword, site.pattern, f));
    out.included = true;
    if (auto st = file(f, *text, depth + 1); !st) return st;
  }
  return ok_status();
}

Status Splicer::file(const std::string& name, std::string_view text, int depth) {
  const auto sites = sites_of(text);
  if (kind == Kind::nginx) {
    // The include's bytes become a comment on a line of their own, the file's lines follow,
    // and the rest of the including line goes on after them.
    std::size_t at = 0, line = 1;
    for (const auto& site : sites) {
      const auto before = text.substr(at, site.begin - at);
      append(before, name, line);
      line += static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
      end_line();
      append("# (stickycheck) " + std::string(text.substr(site.begin, site.end - site.begin)) +
                 "\n",
             name, site.line);
      if (auto st = include(name, site, depth); !st) return st;
      end_line();
      const auto span = text.substr(site.begin, site.end - site.begin);
      line += static_cast<std::size_t>(std::count(span.begin(), span.end(), '\n'));
      at = site.end;
    }
    append(text.substr(at), name, line);
    end_line();
    return ok_status();
  }
  const auto lines = split(text, '\n');
  std::size_t next = 0;  // the next include site
  const std::size_t count = lines.size() - (text.ends_with('\n') ? 1 : 0);
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t number = i + 1;
    if (next < sites.size() && sites[next].line == number && sites[next].not_read) {
      // httpd never reads it: kept as written, and no file is needed.
      const auto& site = sites[next++];
      out.notes.push_back(fmt::format("{}:{}: {} {} not read: it stands inside an <IfDefine> "
                                      "that is false there",
                                      name, site.line, site.keyword, site.pattern));
      for (std::size_t k = site.line; k <= site.last_line && k <= count; ++k)
        append(std::string(lines[k - 1]) + "\n", name, k);
      i = site.last_line - 1;
      continue;
    }
    if (next < sites.size() && sites[next].line == number) {
      const auto& site = sites[next++];
      for (std::size_t k = site.line; k <= site.last_line && k <= count; ++k)
        append("# (stickycheck) " + std::string(trim(lines[k - 1])) + "\n", name, k);
      if (auto st = include(name, site, depth); !st) return st;
      end_line();
      i = site.last_line - 1;
      continue;
    }
    append(std::string(lines[i]) + "\n", name, number);
  }
  return ok_status();
}

Result<Spliced> splice(Splicer::Kind kind, const std::string& file, std::string_view text) {
  Splicer s{kind, {}};
  if (s.sites_of(text).empty()) {
    Spliced same;
    same.text = std::string(text);
    return same;
  }
  if (auto st = s.file(file, text, 0); !st) return st.error();
  return std::move(s.out);
}

}  // namespace

Result<Spliced> splice_includes(std::string_view kind, const std::string& file,
                                std::string_view text) {
  if (kind == "apache" || kind == "reference") return splice_apache_includes(file, text);
  if (kind == "nginx") return splice_nginx_includes(file, text);
  if (kind == "caddy") return splice_caddy_imports(file, text);
  Spliced same;
  same.text = std::string(text);
  return same;
}

Result<Spliced> splice_caddy_imports(const std::string& file, std::string_view text) {
  return splice(Splicer::Kind::caddy, file, text);
}

Result<Spliced> splice_apache_includes(const std::string& file, std::string_view text) {
  return splice(Splicer::Kind::apache, file, text);
}

Result<Spliced> splice_nginx_includes(const std::string& file, std::string_view text) {
  return splice(Splicer::Kind::nginx, file, text);
}

std::string relocate_lines(std::string_view message, const std::string& file,
                           const std::vector<std::pair<std::string, std::size_t>>& origins) {
  if (origins.empty() || file.empty()) return std::string(message);
  std::string out;
  const std::string needle = file + ":";
  std::size_t i = 0;
  while (i < message.size()) {
    const auto at = message.find(needle, i);
    if (at == std::string_view::npos) break;
    std::size_t end = at + needle.size();
    std::size_t line = 0;
    while (end < message.size() && std::isdigit(static_cast<unsigned char>(message[end])) &&
           line < 100'000'000)
      line = line * 10 + static_cast<std::size_t>(message[end++] - '0');
    out.append(message.substr(i, at - i));
    if (end > at + needle.size() && line >= 1 && line <= origins.size())
      out += fmt::format("{}:{}", origins[line - 1].first, origins[line - 1].second);
    else
      out.append(message.substr(at, end - at));
    i = end;
  }
  out.append(message.substr(i));
  return out;
}

}  // namespace sc
