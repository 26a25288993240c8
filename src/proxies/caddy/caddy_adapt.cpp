// Caddy: a Caddyfile as it ships, run as `caddy run --config FILE --adapter caddyfile`.
#include <fmt/format.h>

#include <cstdint>
#include <map>

#include "proxies/adapt_parts.hpp"
#include "util/text.hpp"

namespace sc::adapt {

namespace {
// Named: a unity build compiles the adapters together, one anonymous namespace for all.
namespace caddy_conf {

struct CaddyScan {
  std::size_t global_open = SIZE_MAX;  // the global options' `{` line
  std::vector<std::size_t> sites;      // each site block's address line
  std::vector<FoundMember> members;
  bool admin_set = false, storage_set = false;
};

int brace_delta(std::string_view line) {
  int d = 0;
  for (char c : line.substr(0, line.find('#'))) d += (c == '{') - (c == '}');
  return d;
}

// reverse_proxy [matcher] upstream... [{], and `to upstream...` inside its block.
void scan_upstreams(CaddyScan& s, std::size_t i, const std::vector<std::string>& w, bool to_line) {
  std::size_t k = 1;
  if (!to_line && k < w.size() &&
      (w[k].starts_with("/") || w[k].starts_with("*") || w[k].starts_with("@")))
    ++k;
  for (; k < w.size() && w[k] != "{"; ++k)
    if (auto a = member_address(w[k]); !a.written.empty()) s.members.push_back({i, a});
}

CaddyScan scan(const Lines& l) {
  CaddyScan s;
  int depth = 0;
  std::string block;  // the directive that opened the current depth-1 or deeper block
  bool in_proxy = false, seen_any = false;
  for (std::size_t i = 0; i < l.lines.size(); ++i) {
    const auto d = directive(l.lines[i]);
    if (d.empty()) continue;
    const auto w = words(l.lines[i]);
    if (depth == 0) {
      const bool global = !seen_any && d == "{";
      if (global)
        s.global_open = i;
      else if (!d.starts_with("(") && !d.starts_with("&("))
        s.sites.push_back(i);
    } else if (depth == 1 && i > s.global_open && s.global_open != SIZE_MAX && block == "{") {
      s.admin_set = s.admin_set || d == "admin";
      s.storage_set = s.storage_set || d == "storage";
    }
    if (d == "reverse_proxy") scan_upstreams(s, i, w, false);
    if (d == "to" && in_proxy) scan_upstreams(s, i, w, true);
    seen_any = true;
    const int delta = brace_delta(l.lines[i]);
    if (depth == 0 && delta > 0) block = d;
    if (d == "reverse_proxy" && delta > 0) in_proxy = true;
    if (in_proxy && delta < 0) in_proxy = false;
    depth += delta;
    if (depth <= 0) depth = 0;
  }
  return s;
}

void bind_listen(Lines& l, const CaddyScan& s, const AdaptInput& in,
                 std::vector<std::string>& notes) {
  const auto i = s.sites.front();
  const std::string open = l.lines[i].find('{') != std::string::npos ? " {" : "";
  const auto now = "http://" + in.listen + open;
  if (std::string(trim(l.lines[i])) == now) return;
  notes.push_back(located(
      in, i,
      fmt::format("site {} -> http://{}",
                  std::string(trim(l.lines[i].substr(0, l.lines[i].find('{')))), in.listen)));
  l.lines[i] = now;
}

// Caddy's admin endpoint (localhost:2019, one per machine) off; its storage and logs in the
// runtime directory.
void place_files(Lines& l, const CaddyScan& s, const AdaptInput& in,
                 std::vector<std::string>& notes) {
  for (std::size_t i = 0; i < l.lines.size(); ++i) {
    const auto d = directive(l.lines[i]);
    const auto w = words(l.lines[i]);
    if (d == "admin" && (w.size() < 2 || w[1] != "off")) {
      notes.push_back(located(in, i, std::string(trim(l.lines[i])) + " -> admin off"));
      l.lines[i] = indent_of(l.lines[i]) + "admin off";
    } else if (d == "storage" && w.size() > 2 && outside_runtime(w[2], in)) {
      const std::string to = path_word(in.runtime_dir + "/caddy-data");
      l.lines[i] = replace_once(l.lines[i], w[2], to);
      notes.push_back(located(in, i, fmt::format("storage {} -> {}", w[2], to)));
    } else if (d == "output" && w.size() > 2 && w[1] == "file" && outside_runtime(w[2], in)) {
      const std::string to = path_word(in.runtime_dir + "/access.log");
      l.lines[i] = replace_once(l.lines[i], w[2], to);
      notes.push_back(located(in, i, fmt::format("output file {} -> {}", w[2], to)));
    }
  }
  std::vector<std::string> add;
  if (!s.admin_set) add.push_back("\tadmin off");
  if (!s.storage_set)
    add.push_back("\tstorage file_system " + path_word(in.runtime_dir + "/caddy-data"));
  if (add.empty()) return;
  std::vector<std::string> items;
  for (const auto& a : add) items.emplace_back(trim(a));
  note_added(in, items, notes);
  if (s.global_open != SIZE_MAX) {
    l.lines.insert(l.lines.begin() + static_cast<long>(s.global_open) + 1, add.begin(), add.end());
    return;
  }
  add.insert(add.begin(), {std::string(kAddedComment), "{"});
  add.push_back("}");
  l.lines.insert(l.lines.begin(), add.begin(), add.end());
}

}  // namespace caddy_conf
}  // namespace

std::vector<FoundMember> caddy_members(std::string_view text) {
  using namespace caddy_conf;
  return scan(split_lines(text)).members;
}

Result<Adapted> adapt_caddy(std::string_view text, const AdaptInput& in) {
  using namespace caddy_conf;
  Lines l = split_lines(text);
  const CaddyScan s = scan(l);
  Adapted out;
  if (s.sites.empty())
    return Error{
        fmt::format("{}: no site block, so nothing listens on the address stickycheck "
                    "gives the proxy; add one addressed http://{{{{listen}}}}",
                    in.file)};
  if (auto st = remap_members(l, s.members, in, "reverse_proxy upstreams", out.notes); !st)
    return st.error();
  bind_listen(l, s, in, out.notes);
  place_files(l, s, in, out.notes);  // last: it may insert lines
  out.text = join_lines(l);
  return out;
}

}  // namespace sc::adapt
