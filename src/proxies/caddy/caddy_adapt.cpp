// Caddy: a Caddyfile as it ships, run as `caddy run --config FILE --adapter caddyfile`.
#include <fmt/format.h>

#include <cstdint>
#include <map>

#include "proxies/adapt_parts.hpp"
#include "proxies/caddy/caddy_syntax.hpp"
#include "util/text.hpp"

namespace sc::adapt {

namespace {
// Named: a unity build compiles the adapters together, one anonymous namespace for all.
namespace caddy_conf {

struct CaddyScan {
  std::size_t global_open = SIZE_MAX;  // the global options' `{` line
  std::vector<std::size_t> sites;      // each site block's address line
  std::vector<FoundMember> members;
  bool admin_set = false, storage_set = false, bind_set = false;
  caddy::ProxyChoice choice;
};

int brace_delta(std::string_view line) {
  int d = 0;
  for (char c : line.substr(0, line.find('#'))) d += (c == '{') - (c == '}');
  return d;
}

// The upstreams of the reverse_proxy the traffic to `path` reaches (caddy_syntax.hpp).
void scan_upstreams(CaddyScan& s, const caddy::Config& c, std::string_view path) {
  s.choice = caddy::choose_proxy(c, path);
  if (!s.choice.proxy) return;
  for (const auto& u : caddy::upstreams_of(*s.choice.proxy))
    if (auto a = member_address(u.address); !a.written.empty())
      s.members.push_back({u.line - 1, a});
}

// Which reverse_proxy the run's traffic reaches, and the others (left as written).
void note_choice(const CaddyScan& s, const AdaptInput& in, std::vector<std::string>& notes) {
  if (s.choice.proxy && !s.choice.meets)
    notes.push_back(located(in, s.choice.proxy->line - 1,
                            fmt::format("traffic.path {} reaches no reverse_proxy: the first one "
                                        "(matcher {}) stands for the backends, but the sessions' "
                                        "answers will not come from them",
                                        in.path, s.choice.matcher)));
  if (!s.choice.proxy || s.choice.others.empty()) return;
  std::string others;
  for (const auto* o : s.choice.others)
    others += fmt::format("{}line {}", others.empty() ? "" : ", ", o->line);
  notes.push_back(located(in, s.choice.proxy->line - 1,
                          fmt::format("the sessions ({}) reach this reverse_proxy{}; the others "
                                      "are left as written ({})",
                                      in.path,
                                      s.choice.matcher.empty()
                                          ? std::string()
                                          : fmt::format(" (matcher {})", s.choice.matcher),
                                      others)));
}

CaddyScan scan(const Lines& l) {
  CaddyScan s;
  int depth = 0;
  std::string block;  // the directive that opened the current depth-1 or deeper block
  bool seen_any = false;
  for (std::size_t i = 0; i < l.lines.size(); ++i) {
    const auto d = directive(l.lines[i]);
    if (d.empty()) continue;
    if (depth == 0) {
      const bool global = !seen_any && d == "{";
      if (global)
        s.global_open = i;
      else if (!d.starts_with("(") && !d.starts_with("&("))
        s.sites.push_back(i);
    } else if (depth == 1 && i > s.global_open && s.global_open != SIZE_MAX && block == "{") {
      s.admin_set = s.admin_set || d == "admin";
      s.storage_set = s.storage_set || d == "storage";
      s.bind_set = s.bind_set || d == "default_bind";
    }
    seen_any = true;
    const int delta = brace_delta(l.lines[i]);
    if (depth == 0 && delta > 0) block = d;
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
  // A site address names a port, not an interface: without this Caddy listens on all of them.
  if (!s.bind_set) add.push_back("\tdefault_bind 127.0.0.1");
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

std::vector<FoundMember> caddy_members(std::string_view text, std::string_view path) {
  using namespace caddy_conf;
  auto c = caddy::parse(text, "Caddyfile");
  if (!c) return {};
  CaddyScan s = scan(split_lines(text));
  scan_upstreams(s, *c, path);
  return s.members;
}

Result<Adapted> adapt_caddy(std::string_view text, const AdaptInput& in) {
  using namespace caddy_conf;
  auto c = caddy::parse(text, in.file);
  if (!c) return c.error();
  Lines l = split_lines(text);
  CaddyScan s = scan(l);
  scan_upstreams(s, *c, in.path);
  Adapted out;
  note_choice(s, in, out.notes);
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
