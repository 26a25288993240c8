#include "runner/config_includes.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <glob.h>

#include <algorithm>
#include <filesystem>

#include "proxies/apache/apache_includes.hpp"
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

struct Splicer {
  Spliced out;

  Status file(const std::string& name, std::string_view text, int depth);
  Status include(const std::string& name, const apache::IncludeSite& site, int depth);
  void line(std::string_view text, const std::string& name, std::size_t number) {
    out.text.append(text);
    out.text += '\n';
    out.origins.push_back({name, number});
  }
};

Status Splicer::include(const std::string& name, const apache::IncludeSite& site, int depth) {
  const auto where = fmt::format("{}:{}", name, site.first_line);
  const fs::path p(site.pattern);
  std::vector<std::string> candidates;
  if (p.is_absolute()) {
    candidates = {site.pattern};
  } else {
    const auto dir = fs::path(name).parent_path();
    candidates = {(dir / p).string(), (dir.parent_path() / p).string()};
  }
  std::vector<std::string> found;
  for (const auto& c : candidates)
    if (found = matches_of(c); !found.empty()) break;
  if (found.empty()) {
    if (site.optional || has_wildcard(site.pattern) || p.is_absolute()) {
      out.notes.push_back(fmt::format(
          "{}: {} {} left out: {}", where, site.optional ? "IncludeOptional" : "Include",
          site.pattern,
          p.is_absolute() ? "no such file here (a file of the production host)" : "nothing matches"));
      return ok_status();
    }
    return Error{fmt::format("{}: Include {}: no such file (looked for {}; a relative path is "
                             "read beside the configuration, then in its parent folder)",
                             where, site.pattern, fmt::join(candidates, " and "))};
  }
  if (depth >= kMaxDepth)
    return Error{fmt::format("{}: Include {}: includes nested deeper than {} levels (a file "
                             "that includes itself?)",
                             where, site.pattern, kMaxDepth)};
  for (const auto& f : found) {
    auto text = read_text_file(f);
    if (!text) return Error{fmt::format("{}: Include {}: cannot read {}", where, site.pattern, f)};
    out.notes.push_back(fmt::format("{}: Include {}: read {}", where, site.pattern, f));
    out.included = true;
    if (auto st = file(f, *text, depth + 1); !st) return st;
  }
  return ok_status();
}

Status Splicer::file(const std::string& name, std::string_view text, int depth) {
  const auto sites = apache::include_sites(text);
  const auto lines = split(text, '\n');
  std::size_t next = 0;  // the next include site
  const std::size_t count = lines.size() - (text.ends_with('\n') ? 1 : 0);
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t number = i + 1;
    if (next < sites.size() && sites[next].first_line == number) {
      const auto& site = sites[next++];
      for (std::size_t k = site.first_line; k <= site.last_line && k <= count; ++k)
        line("# (stickycheck) " + std::string(trim(lines[k - 1])), name, k);
      if (auto st = include(name, site, depth); !st) return st;
      i = site.last_line - 1;
      continue;
    }
    line(lines[i], name, number);
  }
  return ok_status();
}

}  // namespace

Result<Spliced> splice_apache_includes(const std::string& file, std::string_view text) {
  if (apache::include_sites(text).empty()) {
    Spliced same;
    same.text = std::string(text);
    return same;
  }
  Splicer s;
  if (auto st = s.file(file, text, 0); !st) return st.error();
  return std::move(s.out);
}

}  // namespace sc
