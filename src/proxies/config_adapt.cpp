#include "proxies/config_adapt.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>

#include "proxies/adapt_parts.hpp"
#include "proxies/caddy/caddy_syntax.hpp"
#include "proxies/config_includes.hpp"
#include "proxies/haproxy/haproxy_syntax.hpp"
#include "proxies/nginx/nginx_site.hpp"
#include "util/text.hpp"

namespace sc {

namespace adapt {

Lines split_lines(std::string_view text) {
  Lines l;
  for (auto line : split(text, '\n')) l.lines.emplace_back(line);
  l.trailing_newline = text.ends_with('\n');
  if (l.trailing_newline && !l.lines.empty()) l.lines.pop_back();
  return l;
}

std::string join_lines(const Lines& l) {
  std::string out;
  for (std::size_t i = 0; i < l.lines.size(); ++i)
    out += l.lines[i] + (i + 1 < l.lines.size() || l.trailing_newline ? "\n" : "");
  return out;
}

// Where the quote opened at `open` closes (a backslash escapes the next character); the last
// index when it never does.
std::size_t closing_quote(std::string_view line, std::size_t open) {
  for (std::size_t i = open + 1; i < line.size(); ++i) {
    if (line[i] == '\\')
      ++i;
    else if (line[i] == line[open])
      return i;
  }
  return line.size() - 1;
}

std::vector<std::string> words(std::string_view line) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) out.push_back(std::move(cur));
    cur.clear();
  };
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    // '{' opens a block only before a space or the end ("server {"), not in "${VAR}".
    const bool opens = c == '{' && (i + 1 == line.size() || is_c_space(line[i + 1]));
    if (cur.empty() && (c == '"' || c == '\'')) {
      // A quoted word, quotes kept (so that it is found again in the line as written), blanks
      // included: all four languages group "a b" into one word.
      const std::size_t end = closing_quote(line, i);
      cur.append(line.substr(i, end - i + 1));
      i = end;
    } else if (is_c_space(c)) {
      flush();
    } else if (c == ';' || opens) {
      flush();
      out.emplace_back(1, c);
    } else {
      cur += c;
    }
  }
  flush();
  return out;
}

bool unquotable(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f || std::string_view("\"\\$`{}").find(c) != std::string_view::npos;
}

std::string path_word(std::string_view path) {
  if (path.find_first_of(" \t#;'") == std::string_view::npos) return std::string(path);
  return fmt::format("\"{}\"", path);
}

std::string directive(std::string_view line) {
  auto t = trim(line);
  if (t.empty() || t.front() == '#') return "";
  auto w = words(t);
  return w.empty() ? "" : to_lower(w.front());
}

std::string indent_of(std::string_view line) {
  return std::string(line.substr(0, line.find_first_not_of(" \t") == std::string_view::npos
                                        ? line.size()
                                        : line.find_first_not_of(" \t")));
}

std::string replace_once(std::string_view line, std::string_view from, std::string_view to) {
  auto pos = line.find(from);
  if (pos == std::string_view::npos) return std::string(line);
  return std::string(line.substr(0, pos)) + std::string(to) +
         std::string(line.substr(pos + from.size()));
}

std::string commented(std::string_view line) {
  return indent_of(line) + "# (stickycheck) " + std::string(trim(line));
}

MemberAddress member_address(std::string_view token) {
  std::string_view t = token;
  if (t.size() >= 2 && (t.front() == '"' || t.front() == '\'')) t = t.substr(1, t.size() - 2);
  if (auto scheme = t.find("://"); scheme != std::string_view::npos) t = t.substr(scheme + 3);
  t = t.substr(0, t.find_first_of("/?#"));
  if (t.empty() || t.starts_with("unix:") || t.find('{') != std::string_view::npos) return {};
  MemberAddress a;
  a.written = std::string(t);
  a.normal = to_lower(t);
  const bool bracketed = a.normal.starts_with('[');
  const auto colon = a.normal.rfind(':');
  if (colon == std::string::npos || (bracketed && a.normal.back() == ']')) a.normal += ":80";
  return a;
}

namespace {

std::string listed(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

Result<std::vector<std::string>> map_named(const std::vector<FoundMember>& found,
                                           const AdaptInput& in) {
  std::map<std::string, std::string> by_address;  // normalised member address -> backend
  std::vector<std::string> keys;
  for (const auto& [address, name] : in.members) {
    by_address[member_address(address).normal] = name;
    keys.push_back(address);
  }
  std::vector<std::string> out;
  for (const auto& f : found) {
    auto it = by_address.find(f.address.normal);
    if (it == by_address.end())
      return Error{located(in, f.line,
                           fmt::format("member {} is not in proxy.members (which names {})",
                                       f.address.written, listed(keys)))};
    auto b = std::find(in.backend_names.begin(), in.backend_names.end(), it->second);
    if (b == in.backend_names.end())
      return Error{located(in, f.line,
                           fmt::format("proxy.members maps {} to '{}', which is not a backend "
                                       "(the backends are {})",
                                       f.address.written, it->second, listed(in.backend_names)))};
    out.push_back(in.backend_addresses[b - in.backend_names.begin()]);
  }
  return out;
}

// In order of first appearance: the k-th distinct address becomes the k-th backend.
Result<std::vector<std::string>> map_in_order(const std::vector<FoundMember>& found,
                                              const AdaptInput& in, std::string_view what) {
  std::vector<std::string> distinct;
  for (const auto& f : found)
    if (std::find(distinct.begin(), distinct.end(), f.address.normal) == distinct.end())
      distinct.push_back(f.address.normal);
  if (distinct.size() != in.backend_addresses.size()) {
    std::vector<std::string> written;
    for (const auto& f : found) written.push_back(f.address.written);
    return Error{located(
        in, found.front().line,
        fmt::format("{} {} ({}) for {} backends ({}): they are paired in order only when the "
                    "counts match; say which is which with proxy.members, e.g. {{\"{}\": {}}}",
                    distinct.size(), what, listed(written), in.backend_names.size(),
                    listed(in.backend_names), found.front().address.written,
                    in.backend_names.empty() ? "www1" : in.backend_names.front()))};
  }
  std::vector<std::string> out;
  for (const auto& f : found) {
    auto k = std::find(distinct.begin(), distinct.end(), f.address.normal) - distinct.begin();
    out.push_back(in.backend_addresses[k]);
  }
  return out;
}

}  // namespace

Result<std::vector<std::string>> map_members(const std::vector<FoundMember>& found,
                                             const AdaptInput& in, std::string_view what,
                                             std::vector<std::string>& notes) {
  if (found.empty())
    return Error{fmt::format("{}: no {} to point at the scenario's backends", in.file, what)};
  // A template's {{address}} already names the backends: nothing to map.
  const bool rendered = std::all_of(found.begin(), found.end(), [&](const FoundMember& f) {
    return std::find(in.backend_addresses.begin(), in.backend_addresses.end(), f.address.normal) !=
           in.backend_addresses.end();
  });
  if (rendered && in.members.empty()) {
    std::vector<std::string> same;
    for (const auto& f : found) same.push_back(f.address.normal);
    return same;
  }
  auto mapped = in.members.empty() ? map_in_order(found, in, what) : map_named(found, in);
  if (!mapped) return mapped;
  for (std::size_t i = 0; i < found.size(); ++i) {
    auto b = std::find(in.backend_addresses.begin(), in.backend_addresses.end(), (*mapped)[i]);
    notes.push_back(
        located(in, found[i].line,
                fmt::format("member {} -> backend {} ({})", found[i].address.written,
                            in.backend_names[b - in.backend_addresses.begin()], (*mapped)[i])));
  }
  return mapped;
}

void apply_members(Lines& l, const std::vector<FoundMember>& found,
                   const std::vector<std::string>& mapped) {
  for (std::size_t i = 0; i < found.size(); ++i)
    l.lines[found[i].line] =
        replace_once(l.lines[found[i].line], found[i].address.written, mapped[i]);
}

Status remap_members(Lines& l, const std::vector<FoundMember>& found, const AdaptInput& in,
                     std::string_view what, std::vector<std::string>& notes) {
  auto mapped = map_members(found, in, what, notes);
  if (!mapped) return mapped.error();
  apply_members(l, found, *mapped);
  return ok_status();
}

void note_added(const AdaptInput& in, const std::vector<std::string>& items,
                std::vector<std::string>& notes) {
  if (items.empty()) return;
  std::string list;
  for (const auto& item : items) list += (list.empty() ? "" : "; ") + item;
  notes.insert(notes.begin(), fmt::format("{}: added for a standalone run: {}", in.file, list));
}

bool outside_runtime(std::string_view path, const AdaptInput& in) {
  std::string_view p = path;
  if (p.size() >= 2 && (p.front() == '"' || p.front() == '\'')) p = p.substr(1, p.size() - 2);
  if (!p.starts_with('/')) return false;
  if (p == "/dev/stderr" || p == "/dev/stdout" || p == "/dev/null") return false;
  return !(p == in.runtime_dir || p.starts_with(in.runtime_dir + "/"));
}

std::string located(const AdaptInput& in, std::size_t line_index, std::string_view message) {
  if (line_index < in.origins.size())
    return fmt::format("{}:{}: {}", in.origins[line_index].first, in.origins[line_index].second,
                       message);
  return fmt::format("{}:{}: {}", in.file, line_index + 1, message);
}

}  // namespace adapt

namespace {
Adapted unchanged(std::string_view text) {
  Adapted a;
  a.text = std::string(text);
  return a;
}
}  // namespace

namespace {
Result<Adapted> adapt_text(std::string_view type, std::string_view text, const AdaptInput& in);
}  // namespace

// The adapter of `type`; an error inside an included file names that file and line.
Result<Adapted> adapt_config(std::string_view type, std::string_view text, const AdaptInput& in) {
  auto adapted = adapt_text(type, text, in);
  if (!adapted) return Error{relocate_lines(adapted.error().message, in.file, in.origins)};
  return adapted;
}

namespace {
Result<Adapted> adapt_text(std::string_view type, std::string_view text, const AdaptInput& in) {
  // The reference balancer listens where its command line says; its members still go to
  // the backends (a file from a production host names production servers).
  if (type == "reference") return adapt::adapt_reference(text, in);
  if (type != "apache" && type != "haproxy" && type != "nginx" && type != "caddy")
    return unchanged(text);
  if (auto bad = std::find_if(in.runtime_dir.begin(), in.runtime_dir.end(), adapt::unquotable);
      bad != in.runtime_dir.end())
    return Error{fmt::format(
        "{}: the runtime directory {} holds '{}', which a {} configuration "
        "cannot hold even quoted; set TMPDIR to a directory without it",
        in.file, printable(in.runtime_dir), printable(std::string_view(&*bad, 1)), type)};
  if (type == "apache") return adapt::adapt_apache(text, in);
  if (type == "haproxy") return adapt::adapt_haproxy(text, in);
  if (type == "nginx") return adapt::adapt_nginx(text, in);
  if (type == "caddy") return adapt::adapt_caddy(text, in);
  return unchanged(text);
}
}  // namespace

}  // namespace sc

namespace sc {

std::vector<std::string> config_member_addresses(std::string_view type, std::string_view text,
                                                 std::string_view path) {
  std::vector<adapt::FoundMember> found;
  if (type == "apache" || type == "reference") found = adapt::apache_members(text, path);
  if (type == "haproxy") found = adapt::haproxy_members(text, path);
  if (type == "nginx") found = adapt::nginx_members(text, path);
  if (type == "caddy") found = adapt::caddy_members(text, path);
  std::vector<std::string> out, seen;
  for (const auto& f : found) {
    if (std::find(seen.begin(), seen.end(), f.address.normal) != seen.end()) continue;
    seen.push_back(f.address.normal);
    out.push_back(f.address.written);
  }
  return out;
}

std::string config_pool_choice(std::string_view type, std::string_view text,
                               std::string_view path) {
  if (type == "haproxy") {
    const auto c = haproxy::parse(text);
    const auto p = haproxy::choose_pool(c, path);
    if (!p.pool || p.others.empty()) return "";
    return fmt::format("the traffic to {} reaches {}; the other pools ({}) stay as written",
                       path, p.why, fmt::join(p.others, ", "));
  }
  if (type == "caddy") {
    auto c = caddy::parse(text, "");
    if (!c) return "";
    const auto p = caddy::choose_proxy(*c, path);
    if (!p.proxy || p.others.empty()) return "";
    std::vector<std::string> others;
    for (const auto* o : p.others) others.push_back(fmt::format("line {}", o->line));
    return fmt::format("the traffic to {} reaches the reverse_proxy at line {}{}; the others ({}) "
                       "stay as written",
                       path, p.proxy->line,
                       p.matcher.empty() ? std::string() : fmt::format(" (matcher {})", p.matcher),
                       fmt::join(others, ", "));
  }
  if (type == "apache" || type == "reference") return adapt::apache_pool_choice(text, path);
  if (type == "nginx") {
    auto c = nginx::parse(text, "");
    if (!c) return "";
    const auto site = nginx::read_site(*c, path);
    std::vector<std::string> parts;
    if (site.location && !site.others.empty())
      parts.push_back(fmt::format("the traffic to {} reaches location {} (line {}), upstream {}; "
                                  "the other upstreams ({}) stay as written",
                                  site.pool_path.empty() ? std::string(path) : site.pool_path,
                                  site.location->match, site.location->line,
                                  fmt::join(site.chosen, ", "), fmt::join(site.others, ", ")));
    std::vector<std::string> unused;
    for (const auto* u : site.unused) unused.push_back(fmt::format("{} (line {})", u->arg(), u->name.line));
    if (!unused.empty())
      parts.push_back(fmt::format("the traffic reaches the server at line {}; the upstreams no "
                                  "kept server uses ({}) are left out",
                                  site.target_line(), fmt::join(unused, ", ")));
    return fmt::format("{}", fmt::join(parts, "; "));
  }
  return "";
}

}  // namespace sc
