#include "proxies/nginx/nginx_site.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <regex>

namespace sc::nginx {

namespace {

const std::vector<std::string_view> kPasses = {"proxy_pass", "fastcgi_pass", "uwsgi_pass",
                                               "scgi_pass", "grpc_pass", "memcached_pass"};

// Files of the production host that TLS directives name.
const std::vector<std::string_view> kTlsFiles = {
    "ssl_certificate",        "ssl_certificate_key", "ssl_trusted_certificate",
    "ssl_client_certificate", "ssl_dhparam",         "ssl_crl",
    "ssl_stapling_file",      "ssl_password_file",   "ssl_session_ticket_key"};

bool is_redirect_code(std::string_view code) {
  return code == "301" || code == "302" || code == "303" || code == "307" || code == "308";
}

// "http://app/x" -> "app" (an upstream's name is the host of the URL, without a port);
// fastcgi_pass, uwsgi_pass, scgi_pass and memcached_pass name it bare ("php_app").
std::string pool_of(std::string_view url) {
  const auto scheme = url.find("://");
  auto host = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
  host = host.substr(0, host.find_first_of("/:?"));
  return std::string(host);
}

const Directive* upstream_named(const Site& site, std::string_view name) {
  for (const auto* u : site.upstreams)
    if (u->arg() == name) return u;
  return nullptr;
}

// The pools the directives of `within` pass to (nested locations included).
std::vector<std::string> pools_in(const Site& site, const std::vector<Directive>& within) {
  std::vector<std::string> out;
  for (auto pass : kPasses)
    for (const auto& f : find_all(within, pass)) {
      const auto pool = pool_of(f.directive->arg());
      if (upstream_named(site, pool) && std::find(out.begin(), out.end(), pool) == out.end())
        out.push_back(pool);
    }
  return out;
}

// The server's own locations; a pass outside any of them serves every path ("/").
void read_locations(const Site& site, const Directive& block, Server& s) {
  std::vector<Directive> outside;
  for (const auto& d : block.children) {
    if (d.name.text != "location" || !d.block || d.args.empty()) {
      if (!d.block) outside.push_back(d);
      continue;
    }
    Location l;
    l.line = d.name.line;
    const bool modified = d.args.size() > 1;
    l.modifier = modified ? d.arg() : "";
    l.match = modified ? d.arg(1) : d.arg();
    l.pools = pools_in(site, d.children);
    s.locations.push_back(std::move(l));
  }
  if (auto pools = pools_in(site, outside); !pools.empty())
    s.locations.push_back({"", "/", std::move(pools), block.name.line});
}

// The location nginx picks for `path`: an exact match, else the longest prefix, unless a
// regular expression matches first (in file order) and the prefix is not `^~`.
const Location* location_for(const Server& s, std::string_view path) {
  const Location* best = nullptr;
  for (const auto& l : s.locations) {
    if (l.modifier == "=" && l.match == path) return &l;
    if ((l.modifier.empty() || l.modifier == "^~") && path.starts_with(l.match) &&
        (!best || l.match.size() > best->match.size()))
      best = &l;
  }
  if (best && best->modifier == "^~") return best;
  for (const auto& l : s.locations) {
    if (l.modifier != "~" && l.modifier != "~*") continue;
    try {
      const auto flags = l.modifier == "~*" ? std::regex::icase : std::regex::ECMAScript;
      if (std::regex_search(std::string(path), std::regex(l.match, flags))) return &l;
    } catch (const std::regex_error&) {
      // PCRE that std::regex cannot read: judged by the prefixes alone.
    }
  }
  return best;
}

// The pools the path reaches in the site under test; when it reaches none, the first plain
// location that does (its prefix is where a run without traffic.path goes).
void choose_pools(Site& site, std::string_view path) {
  const Server& target = site.servers[site.target];
  site.location = location_for(target, path.empty() ? "/" : path);
  if (!site.location || site.location->pools.empty()) {
    site.location = nullptr;
    for (const auto& l : target.locations)
      if (!l.pools.empty() && (l.modifier.empty() || l.modifier == "^~" || l.modifier == "=") &&
          l.match.starts_with('/')) {
        site.location = &l;
        site.pool_path = l.match;
        break;
      }
  }
  if (!site.location) return;
  site.chosen = site.location->pools;
  for (const auto& l : target.locations)
    for (const auto& p : l.pools)
      if (std::find(site.chosen.begin(), site.chosen.end(), p) == site.chosen.end() &&
          std::find(site.others.begin(), site.others.end(), p) == site.others.end())
        site.others.push_back(p);
}

Server read_server(const Site& site, const Directive& block) {
  Server s;
  s.block = &block;
  for (const auto& d : block.children) {
    if (d.name.text == "listen") {
      s.listens.push_back(&d);
      if (d.has_arg("ssl")) s.tls = true;
    }
    if (d.name.text == "server_name")
      for (const auto& a : d.args) s.names.push_back(a.text);
    if (d.name.text == "ssl" && d.arg() == "on") s.tls = true;
  }
  for (auto pass : kPasses)
    for (const auto& f : find_all(block.children, pass)) {
      s.passes = true;
      const auto pool = pool_of(f.directive->arg());
      if (upstream_named(site, pool) &&
          std::find(s.pools.begin(), s.pools.end(), pool) == s.pools.end())
        s.pools.push_back(pool);
    }
  read_locations(site, block, s);
  for (const auto& f : find_all(block.children, "return"))
    if (s.redirect.empty() && is_redirect_code(f.directive->arg()) &&
        f.directive->args.size() > 1)
      s.redirect = f.directive->arg(1);
  return s;
}

// The site under test: the first server passing to a pool, else the first passing at all.
// Servers that pass nothing are left out when another one passes.
void choose(Site& site) {
  auto first = [&](auto pred) {
    for (std::size_t i = 0; i < site.servers.size(); ++i)
      if (pred(site.servers[i])) return i;
    return site.servers.size();
  };
  // Users reach the TLS site when there is one: it comes first.
  site.target = first([](const Server& s) { return !s.pools.empty() && s.tls; });
  if (site.target == site.servers.size())
    site.target = first([](const Server& s) { return !s.pools.empty(); });
  if (site.target == site.servers.size())
    site.target = first([](const Server& s) { return s.passes; });
  if (site.target == site.servers.size()) {
    site.target = 0;
    return;
  }
  const bool tls = site.servers[site.target].tls;
  for (auto& s : site.servers) {
    if (s.passes && s.tls == tls) continue;
    s.kept = false;
    // The run has one address: it cannot be both a TLS and a plain one.
    s.why_left_out = s.passes ? std::string("it serves the site over plain http, and the run "
                                            "goes to the https one")
                     : s.redirect.empty()
                         ? std::string("it passes no request on")
                         : fmt::format("it only redirects (to {})", s.redirect);
  }
}

void collect_members(Site& site) {
  std::vector<std::string> used;
  for (const auto& s : site.servers)
    if (s.kept)
      for (const auto& p : s.pools)
        if (std::find(used.begin(), used.end(), p) == used.end()) used.push_back(p);
  for (const auto* u : site.upstreams) {
    const bool in_use = used.empty() || std::find(used.begin(), used.end(), u->arg()) != used.end();
    if (!in_use) {
      site.unused.push_back(u);
      continue;
    }
    // The path's pools become the backends; the others stay as written (no traffic of the
    // run reaches them, and nginx needs them to start).
    if (!site.chosen.empty() &&
        std::find(site.chosen.begin(), site.chosen.end(), u->arg()) == site.chosen.end())
      continue;
    for (const auto& d : u->children)
      if (d.name.text == "server") site.members.push_back(&d);
  }
}

void collect_tls_files(Site& site, const std::vector<Directive>& within) {
  for (const auto& d : within) {
    if (d.block) {
      if (!site.left_out(d)) collect_tls_files(site, d.children);
      continue;
    }
    if (std::find(kTlsFiles.begin(), kTlsFiles.end(), d.name.text) != kTlsFiles.end())
      site.tls_files.push_back(&d);
  }
}

}  // namespace

Site read_site(const Config& config, std::string_view path) {
  Site site;
  site.config = &config;
  const std::vector<Directive>* scope = &config.directives;
  for (const auto& d : config.directives) {
    if (d.name.text == "http" && d.block) site.http = &d;
    if ((d.name.text == "server" || d.name.text == "upstream") && d.block) site.bare = true;
  }
  if (site.http && !site.bare) scope = &site.http->children;
  for (const auto& d : *scope)
    if (d.name.text == "upstream" && d.block) site.upstreams.push_back(&d);
  for (const auto& d : *scope)
    if (d.name.text == "server" && d.block) site.servers.push_back(read_server(site, d));
  if (site.servers.empty()) return site;
  choose(site);
  choose_pools(site, path);
  collect_members(site);
  site.tls = site.servers[site.target].tls;
  collect_tls_files(site, config.directives);
  return site;
}

std::size_t Site::target_line() const {
  return servers.empty() ? 0 : servers[target].block->name.line;
}

std::vector<std::string> Site::target_names() const {
  std::vector<std::string> out;
  if (servers.empty()) return out;
  for (const auto& n : servers[target].names)
    if (n != "_" && n != "\"\"" && !n.empty() && n.find('*') == std::string::npos &&
        !n.starts_with('~') && !n.starts_with('.'))
      out.push_back(n);
  return out;
}

bool Site::serves(const Directive& upstream) const {
  if (std::find(unused.begin(), unused.end(), &upstream) != unused.end()) return false;
  return chosen.empty() || std::find(chosen.begin(), chosen.end(), upstream.arg()) != chosen.end();
}

bool Site::left_out(const Directive& d) const {
  return std::any_of(servers.begin(), servers.end(),
                     [&](const Server& s) { return s.block == &d && !s.kept; }) ||
         std::find(unused.begin(), unused.end(), &d) != unused.end();
}

std::string Site::problem(std::string_view file) const {
  if (servers.empty())
    return fmt::format("{}: no server block, so nothing listens on the address stickycheck "
                       "gives the proxy; add one with `listen {{{{listen}}}};`",
                       file);
  return "";
}

namespace {

bool variable_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace

HashKey read_hash_key(const Directive& d) {
  HashKey k;
  k.line = d.name.line;
  k.written = d.arg();
  const std::string& w = k.written;
  static constexpr std::string_view kCookie = "$cookie_";
  for (auto pos = w.find(kCookie); pos != std::string::npos; pos = w.find(kCookie, pos + 1)) {
    std::size_t end = pos + kCookie.size();
    while (end < w.size() && variable_char(w[end])) ++end;
    const std::string name = w.substr(pos + kCookie.size(), end - pos - kCookie.size());
    if (name.empty()) continue;
    k.cookies.push_back(name);
    // A cookie name nginx cannot spell as a variable: "connect.sid", "XSRF-TOKEN".
    std::size_t tail = end;
    while (tail < w.size() && (variable_char(w[tail]) || w[tail] == '.' || w[tail] == '-')) ++tail;
    if (k.meant.empty() && tail > end && (w[end] == '.' || w[end] == '-')) {
      k.meant = w.substr(pos + kCookie.size(), tail - pos - kCookie.size());
      k.literal_after = w.substr(end, tail - end);
    }
  }
  return k;
}

std::vector<HashKey> hash_keys(const Site& site) {
  std::vector<HashKey> out;
  for (const auto* u : site.upstreams) {
    if (!site.serves(*u)) continue;
    for (const auto& d : u->children)
      if (d.name.text == "hash" && !d.args.empty()) out.push_back(read_hash_key(d));
  }
  return out;
}

std::string stickiness(const Site& site) {
  bool any_pool = false;
  for (const auto* u : site.upstreams) {
    if (!site.serves(*u)) continue;
    any_pool = true;
    for (const auto& d : u->children) {
      const auto& name = d.name.text;
      if (name != "ip_hash" && name != "hash" && name != "sticky") continue;
      std::string written = name;
      for (const auto& a : d.args) written += " " + a.text;
      return fmt::format("{} (line {})", written, d.name.line);
    }
  }
  return any_pool ? "" : "no upstream";
}

}  // namespace sc::nginx
