// Caddy: a Caddyfile as it ships, run as `caddy run --config FILE --adapter caddyfile`.
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <map>

#include "proxies/adapt_parts.hpp"
#include "proxies/caddy/caddy_syntax.hpp"
#include "util/text.hpp"

namespace sc::adapt {

namespace {
// Named: a unity build compiles the adapters together, one anonymous namespace for all.
namespace caddy_conf {

struct SiteLines {
  std::size_t first = 0, last = 0;  // its address line and its closing brace's line
};

struct CaddyScan {
  std::size_t global_open = SIZE_MAX;  // the global options' `{` line
  std::vector<SiteLines> sites;        // each site block
  std::vector<FoundMember> members;
  bool admin_set = false, storage_set = false, bind_set = false;
  std::size_t auto_https = SIZE_MAX;  // the global `auto_https` line
  bool auto_https_off = false;
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

// A Caddyfile without braces is one site: its address line, then its directives to the end.
void braceless_site(const Lines& l, std::size_t from, CaddyScan& s) {
  for (std::size_t i = from; i < l.lines.size(); ++i) {
    const auto d = directive(l.lines[i]);
    if (d.empty()) continue;
    if (s.sites.empty())
      s.sites.push_back({i, i});
    else
      s.sites.back().last = i;
  }
}

CaddyScan scan(const Lines& l) {
  CaddyScan s;
  std::size_t after_global = 0;  // the first line after the global options block
  int depth = 0;
  std::string block;  // the directive that opened the current depth-1 or deeper block
  bool seen_any = false, in_site = false;
  for (std::size_t i = 0; i < l.lines.size(); ++i) {
    const auto d = directive(l.lines[i]);
    if (d.empty()) continue;
    if (depth == 0) {
      const bool global = !seen_any && d == "{";
      if (global)
        s.global_open = i;
      else if (!d.starts_with("(") && !d.starts_with("&(") && brace_delta(l.lines[i]) > 0)
        s.sites.push_back({i, i}), in_site = true;
    } else if (depth == 1 && i > s.global_open && s.global_open != SIZE_MAX && block == "{") {
      s.admin_set = s.admin_set || d == "admin";
      s.storage_set = s.storage_set || d == "storage";
      s.bind_set = s.bind_set || d == "default_bind";
      if (d == "auto_https") {
        s.auto_https = i;
        const auto w = words(l.lines[i]);
        s.auto_https_off = w.size() > 1 && w[1] == "off";
      }
    }
    seen_any = true;
    const int delta = brace_delta(l.lines[i]);
    if (depth == 0 && delta > 0) block = d;
    depth += delta;
    if (depth <= 0) depth = 0;
    if (in_site) s.sites.back().last = i;
    in_site = in_site && depth > 0;
    if (depth == 0 && block == "{" && i >= s.global_open) after_global = i + 1;
  }
  if (s.sites.empty()) braceless_site(l, after_global, s);
  return s;
}

// A site address as Caddy reads it: [scheme://]host[:port][/path].
struct SiteAddress {
  std::string scheme, host, port;
};

SiteAddress site_address(std::string_view a) {
  SiteAddress out;
  if (const auto colon = a.find("://"); colon != std::string_view::npos) {
    out.scheme = to_lower(a.substr(0, colon));
    a.remove_prefix(colon + 3);
  }
  a = a.substr(0, a.find('/'));
  const auto bracket = a.rfind(']');  // [::1]:443
  const auto colon = a.rfind(':');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    out.port = std::string(a.substr(colon + 1));
    a = a.substr(0, colon);
  }
  out.host = to_lower(a);
  return out;
}

// How Caddy serves the site: over TLS when an address says https (or :443), when a host name
// gets automatic HTTPS (no http:// scheme, not port 80, auto_https not off), or when the site
// has a `tls` directive. Its names are those a request's Host can carry.
struct SiteServing {
  bool tls = false;
  std::vector<std::string> names;
};

SiteServing serving_of(const caddy::Directive& site, const CaddyScan& s) {
  SiteServing out;
  for (const auto& c : site.children) out.tls = out.tls || c.name() == "tls";
  for (const auto& token : site.tokens) {
    const auto a = site_address(token);
    out.tls = out.tls || a.scheme == "https" ||
              (a.scheme.empty() &&
               (a.port == "443" || (!a.host.empty() && a.port != "80" && !s.auto_https_off)));
    if (valid_host_name(a.host) &&
        std::find(out.names.begin(), out.names.end(), a.host) == out.names.end())
      out.names.push_back(a.host);
  }
  return out;
}

// The run serves one site: the one the choice is in (its addresses become the run's address,
// with the site's names kept so that Host still selects it); the others are left out.
std::size_t bind_listen(Lines& l, const CaddyScan& s, const SiteServing& site,
                        const AdaptInput& in, std::vector<std::string>& notes) {
  std::size_t chosen = 0;
  for (std::size_t k = 0; k < s.sites.size(); ++k)
    if (s.choice.site && s.sites[k].first + 1 == s.choice.site->line) chosen = k;
  for (std::size_t k = 0; k < s.sites.size(); ++k) {
    if (k == chosen) continue;
    notes.push_back(located(in, s.sites[k].first,
                            fmt::format("site {} left out: the run serves one site",
                                        std::string(trim(l.lines[s.sites[k].first].substr(
                                            0, l.lines[s.sites[k].first].find('{')))))));
    for (auto i = s.sites[k].first; i <= s.sites[k].last; ++i) l.lines[i] = commented(l.lines[i]);
  }
  const auto i = s.sites[chosen].first;
  const std::string scheme = site.tls ? "https://" : "http://";
  const auto port = in.listen.substr(in.listen.rfind(':'));
  std::string now;
  for (const auto& n : site.names) now += (now.empty() ? "" : ", ") + scheme + n + port;
  if (now.empty()) now = scheme + in.listen;
  const auto brace = l.lines[i].find('{');
  const std::string written(trim(l.lines[i].substr(0, brace)));
  if (written != now)
    notes.push_back(located(in, i, fmt::format("site {} -> {}", written, now)));
  if (brace != std::string::npos) now += " {";
  l.lines[i] = now;
  return chosen;
}

// A TLS site serves the run's certificate: the site's own `tls` directives are left out (the
// user's certificate, key or ACME account is never read) and `tls CERT KEY` takes their place;
// auto_https off keeps Caddy from asking an ACME server for anything or binding port 80.
void serve_tls(Lines& l, CaddyScan& s, std::size_t chosen, const AdaptInput& in,
               std::vector<std::string>& notes) {
  const auto site = s.sites[chosen];
  // Only the site's own `tls` (its block's depth): a `tls` inside reverse_proxy's transport
  // is the connection to the upstreams, and stays.
  int depth = brace_delta(l.lines[site.first]);
  for (auto i = site.first + 1; i <= site.last && i < l.lines.size(); ++i) {
    const int delta = brace_delta(l.lines[i]);
    if (depth != 1 || directive(l.lines[i]) != "tls") {
      depth += delta;
      continue;
    }
    notes.push_back(located(in, i, std::string(trim(l.lines[i])) +
                                       " left out: the run serves a certificate made for it"));
    for (int inner = 0;; ++i) {
      inner += brace_delta(l.lines[i]);
      l.lines[i] = commented(l.lines[i]);
      if (inner <= 0 || i + 1 > site.last) break;
    }
  }
  if (s.auto_https != SIZE_MAX && !s.auto_https_off) {
    notes.push_back(located(in, s.auto_https,
                            std::string(trim(l.lines[s.auto_https])) +
                                " -> auto_https off: the run's certificate is loaded, no ACME"));
    l.lines[s.auto_https] = indent_of(l.lines[s.auto_https]) + "auto_https off";
    s.auto_https_off = true;
  }
  l.lines.insert(l.lines.begin() + static_cast<long>(site.first) + 1,
                 "\ttls " + path_word(in.tls_cert) + " " + path_word(in.tls_key));
  notes.push_back(located(in, site.first, "added tls with a certificate made for this run"));
}

// Caddy's admin endpoint (localhost:2019, one per machine) off; its storage and logs in the
// runtime directory.
void place_files(Lines& l, const CaddyScan& s, bool tls, const AdaptInput& in,
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
  if (tls && s.auto_https == SIZE_MAX) add.push_back("\tauto_https off");
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
  const auto site = s.choice.site ? serving_of(*s.choice.site, s) : SiteServing{};
  const auto chosen = bind_listen(l, s, site, in, out.notes);
  if (site.tls) serve_tls(l, s, chosen, in, out.notes);  // inserts after the sites' start
  place_files(l, s, site.tls, in, out.notes);            // last: it inserts before them
  out.tls = site.tls;
  out.server_names = site.names;
  out.text = join_lines(l);
  return out;
}

}  // namespace sc::adapt
