#include "balancer/apache_conf.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdint>
#include <set>

#include "balancer/rewrite_rules.hpp"
#include "proxies/apache/apache_syntax.hpp"
#include "proxies/config_includes.hpp"
#include "util/text.hpp"

namespace sc {

namespace {

// Balancer parameters httpd knows that the reference balancer does not model.
bool unmodelled_balancer_param(const std::string& key) {
  return key == "timeout" || key == "growth" || key == "failonstatus" || key == "failontimeout";
}

// Worker parameters httpd knows that only tune connections, not routing decisions.
bool unmodelled_worker_param(const std::string& key) {
  static const char* kKeys[] = {"timeout", "connectiontimeout", "keepalive", "ttl", "max",
                                "smax", "min", "acquire", "ping", "flushpackets", "flushwait",
                                "disablereuse", "enablereuse", "iobuffersize",
                                "receivebuffersize", "hcmethod", "hcinterval", "hcpasses",
                                "hcfails", "hcuri", "hcexpr", "hctemplate", "secret",
                                "mapping", "responsefieldsize", "addressttl"};
  for (const char* k : kKeys)
    if (key == k) return true;
  return false;
}

struct Reader {
  explicit Reader(const std::string& f) : file(f) {}
  const std::string& file;
  SiteConfig site;
  int line = 0;
  int proxy_balancer = -1;  // inside <Proxy balancer://...>
  RewriteRules rewrites;
  std::vector<RewriteCond> pending_conds;  // RewriteCond lines waiting for their RewriteRule
  // The lines of the <IfDefine>/<IfModule> sections httpd reads: apache::evaluated drops the
  // others silently, and each one skipped gets a note.
  std::set<std::size_t> kept;

  Error error(const std::string& directive, const std::string& message) const {
    return Error{fmt::format("{}:{}: {}: {}", file, line, directive, message)};
  }
  void note(const std::string& text) { site.notes.push_back(fmt::format("{}:{}: {}", file, line, text)); }

  int balancer_index(const std::string& url) {
    // "balancer://NAME" or "balancer://NAME/", case-insensitive scheme, names compared as given.
    std::string name = url;
    auto slash = name.find('/', 11);
    if (slash != std::string::npos) name = name.substr(0, slash);
    for (std::size_t i = 0; i < site.balancers.size(); ++i)
      if (to_lower(site.balancers[i].name) == to_lower(name)) return static_cast<int>(i);
    BalancerConfig b;
    b.name = name;
    site.balancers.push_back(b);
    return static_cast<int>(site.balancers.size()) - 1;
  }

  static bool is_balancer_url(const std::string& url) { return to_lower(url).rfind("balancer://", 0) == 0; }

  static std::string balancer_path(const std::string& url) {
    auto slash = url.find('/', 11);
    return slash == std::string::npos ? "" : url.substr(slash);
  }

  Status balancer_param(const std::string& directive, BalancerConfig& b, const std::string& kv) {
    auto eq = kv.find('=');
    std::string key = to_lower(kv.substr(0, eq));
    if (eq != std::string::npos && unmodelled_balancer_param(key)) {
      note(fmt::format("{}: {} is accepted but not modelled by the reference balancer", directive, key));
      return ok_status();
    }
    auto st = apply_balancer_param(b, kv);
    if (!st) return error(directive, st.error().message);
    return ok_status();
  }

  Status member(const std::string& directive, BalancerConfig& b, const std::vector<std::string>& w,
                std::size_t first) {
    if (first >= w.size()) return error(directive, "missing the member's URL");
    std::string line = w[first];
    for (std::size_t i = first + 1; i < w.size(); ++i) {
      auto eq = w[i].find('=');
      if (eq != std::string::npos && unmodelled_worker_param(to_lower(w[i].substr(0, eq)))) {
        note(fmt::format("{}: {} is accepted but not modelled by the reference balancer",
                         directive, w[i].substr(0, eq)));
        continue;
      }
      line += " " + w[i];
    }
    auto m = parse_member(line);
    if (!m) {
      std::string msg = m.error().message;
      if (msg.rfind("BalancerMember ", 0) == 0) msg = msg.substr(15);
      else if (msg.rfind("BalancerMember: ", 0) == 0) msg = msg.substr(16);
      return error(directive, msg);
    }
    b.members.push_back(*m);
    return ok_status();
  }

  // <Location PATH>: only one that sets the balancer-manager handler is used, with its Require
  // lines as the manager's access rules.
  Status location(const apache::Directive& loc) {
    bool manager = false;
    const apache::Directive* nested = nullptr;
    for (const auto& c : loc.children) {
      if (c.section && !nested) nested = &c;
      if (!c.section && c.lower() == "sethandler" && !c.args.empty())
        manager = to_lower(c.arg()) == "balancer-manager";
    }
    const std::string& path = loc.arg();
    if (!manager) {
      note(fmt::format("<Location {}> read for its ProxyPass only", path));
      return ok_status();
    }
    if (nested)
      return error("<Location>", fmt::format("<{}> inside the balancer-manager's section is not "
                                             "modelled; write Require lines directly in it",
                                             nested->name));
    ManagerConfig manager_config{path, {}};
    for (const auto& c : loc.children) {
      if (c.section || c.lower() != "require") continue;
      line = static_cast<int>(c.line);
      auto rule = parse_require(c.args);
      if (!rule) return error("Require", rule.error().message);
      manager_config.require.push_back(*rule);
    }
    line = static_cast<int>(loc.line);
    if (manager_config.require.empty()) {
      note(
          fmt::format("<Location {}>: the balancer-manager has no Require: only local clients "
                      "may use it (Require local)",
                      path));
      manager_config = local_manager(path);
    }
    if (site.manager) note("a second balancer-manager <Location> replaces the first");
    site.manager = std::move(manager_config);
    return ok_status();
  }

  Status header(const std::vector<std::string>& w) {
    std::size_t i = 1;
    if (i < w.size() && (to_lower(w[i]) == "always" || to_lower(w[i]) == "onsuccess")) ++i;
    if (i + 1 >= w.size()) return error("Header", "expected an action and a header name");
    HeaderRule r;
    std::string action = to_lower(w[i]);
    if (action == "add") r.action = HeaderRule::Action::kAdd;
    else if (action == "set") r.action = HeaderRule::Action::kSet;
    else if (action == "append") r.action = HeaderRule::Action::kAppend;
    else if (action == "merge") r.action = HeaderRule::Action::kMerge;
    else if (action == "unset") r.action = HeaderRule::Action::kUnset;
    else {
      note(fmt::format("Header {} is not modelled by the reference balancer: skipped", w[i]));
      return ok_status();
    }
    r.name = w[i + 1];
    std::size_t next = i + 2;
    if (r.action != HeaderRule::Action::kUnset) {
      if (next >= w.size()) return error("Header", "header " + action + " requires a value");
      r.value = w[next++];
    }
    if (next < w.size()) {
      std::string cond = w[next];
      if (to_lower(cond).rfind("env=", 0) != 0) {
        note(fmt::format("Header condition '{}' is not modelled: rule skipped", cond));
        return ok_status();
      }
      r.env = cond.substr(4);
      if (!r.env.empty() && r.env[0] == '!') {
        r.env_negated = true;
        r.env = r.env.substr(1);
      }
    }
    site.headers.push_back(r);
    return ok_status();
  }
  // LimitRequestBody BYTES, digits only as httpd's apr_strtoff reads them (0: no limit).
  Status limit_request_body(const std::vector<std::string>& w) {
    std::uint64_t bytes = 0;
    const std::string_view v = w.size() == 2 ? std::string_view(w[1]) : std::string_view();
    const auto [end, err] = std::from_chars(v.data(), v.data() + v.size(), bytes);
    if (v.empty() || err != std::errc() || end != v.data() + v.size() ||
        bytes > static_cast<std::uint64_t>(INT64_MAX))
      return error(w[0], "expected a number of bytes (0 for no limit)");
    site.limit_request_body = bytes;
    return ok_status();
  }

  // ServerName [scheme://]host[:port]: the host names this server in X-Forwarded-Server.
  Status server_name(const std::vector<std::string>& w) {
    if (w.size() != 2) return error(w[0], "expected [scheme://]host[:port]");
    if (!site.server_name.empty()) {
      note(fmt::format("ServerName {}: only the first ServerName is used", w[1]));
      return ok_status();
    }
    std::string name = w[1];
    if (auto scheme = name.find("://"); scheme != std::string::npos) name = name.substr(scheme + 3);
    const auto colon = name.rfind(':');
    if (colon != std::string::npos && name.find(']', colon) == std::string::npos)
      name = name.substr(0, colon);
    site.server_name = name;
    return ok_status();
  }
};

// BalancerMember and ProxySet: inside <Proxy balancer://NAME>, or with the name first.
Status balancer_directive(Reader& r, const std::string& d, const std::vector<std::string>& w) {
  const bool member = d == "balancermember";
  std::size_t first = 1;
  int b = r.proxy_balancer;
  if (b < 0) {
    if (w.size() < (member ? 3u : 2u) || !Reader::is_balancer_url(w[1]))
      return r.error(w[0], fmt::format("outside a <Proxy balancer://...> section it needs the "
                                       "balancer's name first: {} ...",
                                       member ? "BalancerMember balancer://NAME URL"
                                              : "ProxySet balancer://NAME key=value"));
    b = r.balancer_index(w[1]);
    first = 2;
  }
  if (member) return r.member(w[0], r.site.balancers[b], w, first);
  for (std::size_t i = first; i < w.size(); ++i)
    if (auto st = r.balancer_param(w[0], r.site.balancers[b], w[i]); !st) return st;
  return ok_status();
}

Status proxy_pass(Reader& r, const std::string& d, const std::vector<std::string>& w) {
  if (r.proxy_balancer >= 0) return r.error(w[0], "inside <Proxy> is not supported here");
  if (w.size() < 3) return r.error(w[0], "expected a path and a URL");
  if (w[2] == "!" && d == "proxypass") {
    r.site.routes.push_back(ProxyRoute{w[1], -1, ""});
    return ok_status();
  }
  if (!Reader::is_balancer_url(w[2])) {
    r.note(fmt::format("{} {} {}: not a balancer:// target, skipped", w[0], w[1], w[2]));
    return ok_status();
  }
  const int b = r.balancer_index(w[2]);
  if (d != "proxypass") {
    r.site.reverse_routes.push_back(ReverseRoute{w[1], b, Reader::balancer_path(w[2])});
    return ok_status();
  }
  r.site.routes.push_back(ProxyRoute{w[1], b, Reader::balancer_path(w[2])});
  for (std::size_t i = 3; i < w.size(); ++i)
    if (auto st = r.balancer_param(w[0], r.site.balancers[b], w[i]); !st) return st;
  return ok_status();
}

Status listen(Reader& r, const std::vector<std::string>& w) {
  if (w.size() < 2) return r.error(w[0], "expected [ADDRESS:]PORT");
  if (!r.site.listen.empty()) {
    r.note(fmt::format("Listen {}: only the first Listen is served", w[1]));
    return ok_status();
  }
  r.site.listen = w[1].find(':') == std::string::npos ? "0.0.0.0:" + w[1] : w[1];
  if (w[1].find(':') == std::string::npos)
    r.note(
        fmt::format("Listen {} binds every interface, as httpd does; write Listen "
                    "127.0.0.1:{} to serve this host only",
                    w[1], w[1]));
  return ok_status();
}

void log_level(Reader& r, const std::vector<std::string>& w) {
  for (std::size_t i = 1; i < w.size(); ++i) {
    auto l = to_lower(w[i]);
    if (l == "debug" || l.rfind("trace", 0) == 0 || l == "proxy_balancer:debug" ||
        (l.rfind("proxy_balancer:trace", 0) == 0))
      r.site.debug_log = true;
  }
}

// mod_rewrite's directives: the [P] rules to a balancer:// and their conditions.
Status rewrite(Reader& r, const std::vector<std::string>& w) {
  if (r.proxy_balancer >= 0) return r.error(w[0], "inside <Proxy> is not modelled here");
  auto st = read_rewrite_directive(w, r.rewrites, r.pending_conds,
                                   [&r](const std::string& url) { return r.balancer_index(url); });
  if (!st) return r.error(w[0], st.error().message);
  return ok_status();
}

// The rewrite rules read, kept when RewriteEngine On makes httpd apply them.
void finish_rewrites(Reader& r) {
  if (!r.pending_conds.empty())
    r.note("RewriteCond lines after the last RewriteRule apply to no rule: ignored, as by httpd");
  if (r.rewrites.rules.empty()) return;
  if (!r.rewrites.engine) {
    r.note("RewriteRule lines skipped: RewriteEngine is not On");
    return;
  }
  r.site.rewrites = std::make_shared<const RewriteRules>(std::move(r.rewrites));
}

// One directive outside <Location>; what is not part of the balancer is noted, skipped.
Status directive(Reader& r, const apache::Directive& entry) {
  std::vector<std::string> w{entry.name};  // the handlers read words as httpd's argv: name first
  w.insert(w.end(), entry.args.begin(), entry.args.end());
  const std::string d = entry.lower();
  if (d == "balancermember" || d == "proxyset") return balancer_directive(r, d, w);
  if (d == "proxypass" || d == "proxypassreverse") return proxy_pass(r, d, w);
  if (d == "listen") return listen(r, w);
  if (d == "header") return r.header(w);
  if (d == "servername") return r.server_name(w);
  if (d == "limitrequestbody") return r.limit_request_body(w);
  if (d.starts_with("rewrite")) return rewrite(r, w);
  if (d == "define" || d == "undefine") {
    // apache::evaluated applied it, in file order, to the <IfDefine> sections that follow.
  } else if (d == "loglevel") {
    log_level(r, w);
  } else if (d == "proxypreservehost") {
    const std::string v = w.size() == 2 ? to_lower(w[1]) : "";
    if (v != "on" && v != "off") return r.error(w[0], "expected On or Off");
    r.site.preserve_host = v == "on";
  } else {
    r.note(fmt::format("{} skipped (not part of the balancer)", w[0]));
  }
  return ok_status();
}

Status read_all(Reader& r, const std::vector<apache::Directive>& directives);

// `ProxyPass URL` (and ProxyPassReverse) inside <Location PATH>: httpd maps the section's path,
// as `ProxyPass PATH URL` outside it would.
Status location_proxy_pass(Reader& r, const apache::Directive& loc) {
  for (const auto& c : loc.children) {
    const std::string d = c.lower();
    if (c.section || (d != "proxypass" && d != "proxypassreverse")) continue;
    r.line = static_cast<int>(c.line);
    if (c.args.empty()) return r.error(c.name, "expected a URL inside <Location>");
    std::vector<std::string> w{c.name, loc.arg()};
    w.insert(w.end(), c.args.begin(), c.args.end());
    if (auto st = proxy_pass(r, d, w); !st) return st;
  }
  r.line = static_cast<int>(loc.line);
  return ok_status();
}

// <Proxy balancer://NAME>: the BalancerMember and ProxySet in it belong to that balancer.
Status proxy_section(Reader& r, const apache::Directive& s) {
  if (r.proxy_balancer >= 0) return r.error("<Proxy>", "sections cannot be nested");
  r.proxy_balancer = r.balancer_index(s.arg());
  auto st = read_all(r, s.children);
  r.proxy_balancer = -1;
  return st;
}

// A section: a balancer, the balancer-manager's, read through, or skipped with its content.
Status section(Reader& r, const apache::Directive& s) {
  const std::string name = s.lower();
  if ((name == "ifdefine" || name == "ifmodule") && !r.kept.contains(s.line)) {
    r.note(fmt::format("<{} {}> skipped: {}", s.name, s.arg(),
                       name == "ifdefine" ? "not defined" : "every module counts as loaded"));
    return ok_status();
  }
  if (name == "proxy" && Reader::is_balancer_url(s.arg())) return proxy_section(r, s);
  if (name == "location" && s.args.size() == 1 && s.arg() != "~") {
    if (auto st = location_proxy_pass(r, s); !st) return st;
    return r.location(s);
  }
  if (name == "virtualhost") {
    r.note(fmt::format("<{}> read through: its address is not evaluated", s.name));
  } else if (name == "ifmodule") {
    r.note(fmt::format("<{} {}> read through: every module counts as loaded", s.name, s.arg()));
  } else if (name != "ifdefine") {
    r.note(fmt::format("<{}> section skipped", s.name));
    return ok_status();
  }
  return read_all(r, s.children);
}

Status read_all(Reader& r, const std::vector<apache::Directive>& directives) {
  for (const auto& d : directives) {
    r.line = static_cast<int>(d.line);
    auto st = d.section ? section(r, d) : directive(r, d);
    if (!st) return st;
  }
  return ok_status();
}

void collect_sections(const std::vector<apache::Directive>& directives,
                      std::set<std::size_t>& lines) {
  for (const auto& d : directives) {
    if (!d.section) continue;
    lines.insert(d.line);
    collect_sections(d.children, lines);
  }
}

}  // namespace

Result<SiteConfig> parse_apache_conf(std::string_view text, const std::string& file) {
  auto config = apache::parse(text, file);
  if (!config) return config.error();
  Reader r(file);
  // The reference balancer has every module httpd could load: only <IfModule !...> fails.
  apache::Conditions conditions{{}, [](std::string_view) { return true; }};
  collect_sections(apache::evaluated(config->directives, conditions), r.kept);
  if (auto st = read_all(r, apache::with_defines(config->directives)); !st) return st.error();
  finish_rewrites(r);
  if (r.site.routes.empty() && !r.site.rewrites)
    return Error{fmt::format("{}: no ProxyPass maps a path to a balancer:// URL", file)};
  return r.site;
}

Result<SiteConfig> load_apache_conf(const std::string& path) {
  auto text = read_text_file(path);
  if (!text) return Error{fmt::format("{}: cannot read the Apache configuration", path)};
  // Include and IncludeOptional, as httpd reads them; errors at the included file's line.
  auto spliced = splice_apache_includes(path, *text);
  if (!spliced) return spliced.error();
  const bool included = !spliced->origins.empty();
  auto site = parse_apache_conf(included ? spliced->text : *text, path);
  if (!site) return Error{relocate_lines(site.error().message, path, spliced->origins)};
  return site;
}

}  // namespace sc
