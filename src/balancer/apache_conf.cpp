#include "balancer/apache_conf.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdint>
#include <optional>
#include <set>

#include "proxies/apache/apache_syntax.hpp"
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
                                "upgrade", "mapping", "responsefieldsize", "addressttl"};
  for (const char* k : kKeys)
    if (key == k) return true;
  return false;
}

// A <Location> section being read: only one that sets the balancer-manager handler is used.
struct LocationBlock {
  std::string path;
  int line = 0;
  bool manager = false;
  int depth = 0;  // sections nested inside it
  std::string nested;
  std::vector<std::pair<int, std::vector<std::string>>> requires_;  // line, words after Require
};

struct Reader {
  explicit Reader(const std::string& f) : file(f) {}
  const std::string& file;
  SiteConfig site;
  int line = 0;
  std::optional<LocationBlock> location;
  // Where the reader is among the sections.
  int proxy_balancer = -1;  // inside <Proxy balancer://...>
  int proxy_open_line = 0;
  std::set<std::string, std::less<>> defines;  // Define's names so far, as httpd reads them
  int skip_depth = 0;  // inside a skipped section
  std::string skip_name;
  int skip_line = 0;
  std::vector<std::pair<std::string, int>> open;  // descended sections (IfModule, VirtualHost)

  Error error(const std::string& directive, const std::string& message) const {
    return Error{fmt::format("{}:{}: {}: {}", file, line, directive, message)};
  }
  // <IfDefine NAME> or <IfDefine !NAME> holds.
  bool defined(std::string_view test) const {
    const bool negated = test.starts_with('!');
    return defines.contains(test.substr(negated ? 1 : 0)) != negated;
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

  // One line inside <Location>; closes it at </Location>.
  Status location_line(std::string_view t) {
    auto& loc = *location;
    if (t.front() == '<') {
      const bool closing = t.size() > 1 && t[1] == '/';
      std::string body(t.substr(closing ? 2 : 1));
      if (!body.empty() && body.back() == '>') body.pop_back();
      auto words = apache::words(body);
      const std::string tag = words.empty() ? "" : words[0];
      if (closing && loc.depth == 0) {
        if (to_lower(tag) != "location")
          return error("</" + tag + ">",
                       fmt::format("closes <Location> opened on line {}", loc.line));
        return finish_location();
      }
      if (!closing && loc.nested.empty()) loc.nested = tag;
      loc.depth += closing ? -1 : 1;
      return ok_status();
    }
    auto w = apache::words(t);
    if (w.empty() || loc.depth > 0) return ok_status();
    const std::string d = to_lower(w[0]);
    if (d == "sethandler" && w.size() >= 2)
      loc.manager = to_lower(w[1]) == "balancer-manager";
    else if (d == "require")
      loc.requires_.push_back({line, {w.begin() + 1, w.end()}});
    return ok_status();
  }

  // The balancer-manager's access rules, read only when the section sets its handler.
  Status finish_location() {
    LocationBlock loc = std::move(*location);
    location.reset();
    const int closing_line = line;
    line = loc.line;
    if (!loc.manager) {
      note(fmt::format("<Location {}> section skipped", loc.path));
      line = closing_line;
      return ok_status();
    }
    if (!loc.nested.empty())
      return error("<Location>", fmt::format("<{}> inside the balancer-manager's section is not "
                                             "modelled; write Require lines directly in it",
                                             loc.nested));
    ManagerConfig manager{loc.path, {}};
    for (const auto& [at, words] : loc.requires_) {
      line = at;
      auto rule = parse_require(words);
      if (!rule) return error("Require", rule.error().message);
      manager.require.push_back(*rule);
    }
    line = loc.line;
    if (manager.require.empty()) {
      note(
          fmt::format("<Location {}>: the balancer-manager has no Require: only local clients "
                      "may use it (Require local)",
                      loc.path));
      manager = local_manager(loc.path);
    }
    if (site.manager) note("a second balancer-manager <Location> replaces the first");
    site.manager = std::move(manager);
    line = closing_line;
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
  // ServerName [scheme://]host[:port]: the host names this server in X-Forwarded-Server.
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

}  // namespace

namespace {

Status close_section(Reader& r, const std::string& tag, const std::string& name) {
  if (r.skip_depth > 0) {
    if (--r.skip_depth == 0 && name != to_lower(r.skip_name))
      return r.error("</" + tag + ">",
                     "closes <" + r.skip_name + "> opened on line " + std::to_string(r.skip_line));
    return ok_status();
  }
  if (name == "proxy" && r.proxy_balancer >= 0) {
    r.proxy_balancer = -1;
  } else if (!r.open.empty() && to_lower(r.open.back().first) == name) {
    r.open.pop_back();
  } else {
    return r.error("</" + tag + ">", "closes a section that is not open");
  }
  return ok_status();
}

Status open_section(Reader& r, const std::vector<std::string>& words, const std::string& tag,
                    const std::string& name) {
  if (r.skip_depth > 0) {
    ++r.skip_depth;
  } else if (name == "proxy" && words.size() >= 2 && Reader::is_balancer_url(words[1])) {
    if (r.proxy_balancer >= 0) return r.error("<Proxy>", "sections cannot be nested");
    r.proxy_balancer = r.balancer_index(words[1]);
    r.proxy_open_line = r.line;
  } else if (name == "location" && words.size() == 2 && words[1] != "~") {
    r.location.emplace();
    r.location->path = words[1];
    r.location->line = r.line;
  } else if (name == "ifdefine" && words.size() >= 2 && !r.defined(words[1])) {
    r.note(fmt::format("<{} {}> skipped: not defined", tag, words[1]));
    r.skip_depth = 1;
    r.skip_name = tag;
    r.skip_line = r.line;
  } else if (name == "ifdefine") {
    r.open.push_back({tag, r.line});
  } else if (name == "ifmodule" || name == "virtualhost") {
    r.note(fmt::format("<{}> read through: its condition or address is not evaluated", tag));
    r.open.push_back({tag, r.line});
  } else {
    r.note(fmt::format("<{}> section skipped", tag));
    r.skip_depth = 1;
    r.skip_name = tag;
    r.skip_line = r.line;
  }
  return ok_status();
}

// A "<Section ...>" or "</Section>" line.
Status section_line(Reader& r, std::string_view t) {
  const bool closing = t.size() > 1 && t[1] == '/';
  std::string body(t.substr(closing ? 2 : 1));
  if (!body.empty() && body.back() == '>') body.pop_back();
  const auto words = apache::words(body);
  const std::string tag = words.empty() ? "" : words[0];  // "</>" has no name
  const std::string name = to_lower(tag);
  return closing ? close_section(r, tag, name) : open_section(r, words, tag, name);
}

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

// One directive line outside <Location>; what is not part of the balancer is noted, skipped.
Status directive(Reader& r, const std::vector<std::string>& w) {
  const std::string d = to_lower(w[0]);
  if (d == "balancermember" || d == "proxyset") return balancer_directive(r, d, w);
  if (d == "proxypass" || d == "proxypassreverse") return proxy_pass(r, d, w);
  if (d == "listen") return listen(r, w);
  if (d == "header") return r.header(w);
  if (d == "servername") return r.server_name(w);
  if (d == "limitrequestbody") return r.limit_request_body(w);
  if (d == "define" && w.size() >= 2) {
    r.defines.insert(w[1]);
  } else if (d == "undefine" && w.size() >= 2) {
    r.defines.erase(w[1]);
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

// At the end of the file: every section closed, and something mapped to a balancer.
Status finish(const Reader& r) {
  const std::string& file = r.file;
  if (r.skip_depth > 0)
    return Error{fmt::format("{}:{}: <{}> section is not closed", file, r.skip_line, r.skip_name)};
  if (r.location)
    return Error{fmt::format("{}:{}: <Location> section is not closed", file, r.location->line)};
  if (r.proxy_balancer >= 0)
    return Error{fmt::format("{}:{}: <Proxy> section is not closed", file, r.proxy_open_line)};
  if (!r.open.empty())
    return Error{fmt::format("{}:{}: <{}> section is not closed", file, r.open.back().second,
                             r.open.back().first)};
  if (r.site.routes.empty())
    return Error{fmt::format("{}: no ProxyPass maps a path to a balancer:// URL", file)};
  return ok_status();
}

}  // namespace

Result<SiteConfig> parse_apache_conf(std::string_view text, const std::string& file) {
  Reader r(file);
  for (const auto& l : apache::logical_lines(text)) {
    r.line = static_cast<int>(l.first);
    auto t = trim(l.text);
    if (t.empty() || t[0] == '#') continue;
    Status st = ok_status();
    if (r.location) {
      st = r.location_line(t);
    } else if (t.front() == '<') {
      st = section_line(r, t);
    } else if (r.skip_depth == 0) {
      const auto w = apache::words(t);
      if (!w.empty()) st = directive(r, w);
    }
    if (!st) return st.error();
  }
  if (auto st = finish(r); !st) return st.error();
  return r.site;
}

Result<SiteConfig> load_apache_conf(const std::string& path) {
  auto text = read_text_file(path);
  if (!text) return Error{fmt::format("{}: cannot read the Apache configuration", path)};
  return parse_apache_conf(*text, path);
}

}  // namespace sc
