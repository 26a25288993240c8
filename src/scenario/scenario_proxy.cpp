#include <fmt/format.h>

#include <algorithm>

#include "proxies/proxy_kinds.hpp"
#include "scenario/proxy_values.hpp"
#include "scenario/scenario_sections.hpp"
#include "util/text.hpp"

namespace sc {

namespace {

const std::vector<std::string> kProxyKeys = {
    "type",        "config",        "command",          "url",
    "apache_conf", "stickysession", "stickysessionsep", "scolonpathdelim",
    "nofailover",  "lbmethod",      "maxattempts",      "debug_log",
    "members"};
// The reference balancer's own settings; a real proxy's configuration says these itself.
const std::vector<const char*> kBalancerKeys = {"stickysessionsep", "scolonpathdelim", "nofailover",
                                                "lbmethod",         "maxattempts",     "debug_log"};

void read_command(NodeReader& r, const YAML::Node& n, ProxySpec& p) {
  const YAML::Node c = n["command"];
  if (!c) return;
  if (c.IsScalar()) {
    for (auto w : split(c.Scalar(), ' ')) {
      if (trim(w).empty()) continue;
      p.command.emplace_back(trim(w));
      p.command_marks.push_back(mark_of(c));
    }
  } else if (c.IsSequence()) {
    for (std::size_t i = 0; i < c.size(); ++i) {
      if (!c[i].IsScalar()) {
        r.error(c[i].Mark(), fmt::format("proxy.command[{}]", i), "expected a string");
        return;
      }
      p.command.push_back(c[i].Scalar());
      p.command_marks.push_back(mark_of(c[i]));
    }
  }
  if (p.command.empty())
    r.error(c.Mark(), "proxy.command",
            "expected the proxy's command line, as a list of arguments or one string, e.g. "
            "[haproxy, -f, '{{config}}', -db]");
}

// http://HOST[:PORT] with no path (the traffic's path is added to it).
bool valid_base_url(std::string& url) {
  while (url.ends_with('/')) url.pop_back();
  for (std::string_view scheme : {"http://", "https://"}) {
    if (!url.starts_with(scheme)) continue;
    std::string_view rest = std::string_view(url).substr(scheme.size());
    return !rest.empty() && rest.find_first_of("/?# ") == std::string_view::npos;
  }
  return false;
}

// "a, b or c", as the reader's other messages list choices.
std::string one_of(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i)
    out += (i == 0 ? "" : i + 1 == items.size() ? " or " : ", ") + items[i];
  return out;
}

// proxy.members: {"127.0.0.1:8001": www1, ...}, each value one of the scenario's backends.
void read_members(NodeReader& r, const YAML::Node& n, Scenario& s) {
  const YAML::Node m = n["members"];
  if (!m) return;
  if (!m.IsMap() || m.size() == 0) {
    r.error(m.Mark(), "proxy.members",
            "expected a map from a member's address in proxy.config to a backend's name, e.g. "
            "{\"127.0.0.1:8001\": www1}");
    return;
  }
  for (const auto& kv : m) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
    const std::string path = "proxy.members." + key;
    if (!kv.second.IsScalar()) {
      r.error(kv.second.Mark(), path, "expected a backend's name");
      continue;
    }
    const std::string name = kv.second.Scalar();
    std::vector<std::string> names;
    for (const auto& b : s.backends) names.push_back(b.options.name);
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      auto near = closest_match(name, names);
      r.error(kv.second.Mark(), path,
              fmt::format("'{}' is not a backend (the backends are {}){}", name, one_of(names),
                          near.empty() ? "" : fmt::format("; did you mean '{}'?", near)));
      continue;
    }
    s.proxy.members.emplace_back(key, name);
  }
}

// The proxy type, with a "did you mean" for a near miss ("hapoxy").
bool read_type(NodeReader& r, const YAML::Node& n, ProxySpec& p) {
  const YAML::Node t = n["type"];
  if (!t) return true;
  std::vector<std::string> types;
  for (const auto& k : proxy_kinds()) types.emplace_back(k.type);
  if (t.IsScalar() && !find_proxy_kind(t.Scalar())) {
    auto near = closest_match(t.Scalar(), types);
    r.error(t.Mark(), "proxy.type",
            fmt::format("expected {}, got '{}'{}", one_of(types), t.Scalar(),
                        near.empty() ? "" : fmt::format("; did you mean '{}'?", near)));
    return false;
  }
  r.read_choice(n, "type", "proxy", types, p.type);
  return find_proxy_kind(p.type) != nullptr;
}

// An error at `key` when the scenario sets it: the key does not belong with this proxy.
void refuse(NodeReader& r, const YAML::Node& n, const char* key, const std::string& why) {
  if (n[key]) r.error(n[key].Mark(), std::string("proxy.") + key, why);
}

// What starts or reaches the proxy: a configuration for a real proxy, a URL for an external
// one, a command line for type command, each only where it belongs.
void check_sources(NodeReader& r, const YAML::Node& n, ProxySpec& p, const ProxyKind& kind) {
  if (kind.real && !n["config"])
    r.error(n.Mark(), "proxy.config",
            fmt::format("missing; proxy type '{}' needs a configuration template such as {}",
                        p.type, kind.example));
  if (p.type == "external") {
    if (!n["url"])
      r.error(n.Mark(), "proxy.url",
              "missing; proxy type 'external' needs the URL where the proxy already listens, "
              "e.g. http://127.0.0.1:8080");
    else if (!valid_base_url(p.url))  // drops a trailing '/'
      r.error(n["url"].Mark(), "proxy.url",
              fmt::format("expected http://HOST[:PORT] with no path (traffic.path is added), "
                          "got '{}'",
                          p.url));
    refuse(r, n, "config", "not for type external: nothing is started, so nothing is rendered");
  } else {
    refuse(r, n, "url", "only for type external (a proxy that is already running)");
  }
  if (p.type == "command") {
    if (!n["command"])
      r.error(n.Mark(), "proxy.command",
              "missing; proxy type 'command' needs the command line that starts the proxy in "
              "the foreground, e.g. [haproxy, -f, '{{config}}', -db]");
  } else {
    refuse(r, n, "command", "only for type command");
  }
}

// apache_conf and the balancer's own keys are the reference balancer's; a real proxy's
// configuration says how it balances.
void check_reference_keys(NodeReader& r, const YAML::Node& n, const ProxySpec& p) {
  if (p.type != "reference") {
    const std::string why =
        fmt::format("only for type reference; the {} configuration says how it balances", p.type);
    refuse(r, n, "apache_conf", why);
    for (const char* key : kBalancerKeys) refuse(r, n, key, why);
  } else if (n["config"] && n["apache_conf"]) {
    r.error(n["config"].Mark(), "proxy.config",
            "not with apache_conf: give the reference balancer one Apache configuration, a "
            "template (config) or a file whose members stickycheck re-points (apache_conf)");
  }
}

void read_balancer_keys(NodeReader& r, const YAML::Node& n, ProxySpec& p) {
  r.read_string(n, "stickysession", "proxy", p.stickysession);
  if (auto why = stickysession_problem(p.stickysession); n["stickysession"] && !why.empty())
    r.error(n["stickysession"].Mark(), "proxy.stickysession", why);
  r.read_string(n, "stickysessionsep", "proxy", p.stickysessionsep);
  if (auto why = stickysessionsep_problem(p.stickysessionsep);
      n["stickysessionsep"] && !why.empty())
    r.error(n["stickysessionsep"].Mark(), "proxy.stickysessionsep", why);
  r.read_bool(n, "scolonpathdelim", "proxy", p.scolonpathdelim);
  r.read_bool(n, "nofailover", "proxy", p.nofailover);
  r.read_choice(n, "lbmethod", "proxy", {"byrequests"}, p.lbmethod);
  r.read_int(n, "maxattempts", "proxy", 0, 100, p.maxattempts);
  r.read_bool(n, "debug_log", "proxy", p.debug_log);
}

// A configuration file for the reference balancer sets what its keys would.
void read_apache_conf(NodeReader& r, const YAML::Node& n, ProxySpec& p) {
  r.read_string(n, "apache_conf", "proxy", p.apache_conf);
  if (n["apache_conf"]) p.apache_conf_mark = mark_of(n["apache_conf"]);
  if (p.type != "reference" || (p.apache_conf.empty() && !n["config"])) return;
  for (const char* key : {"stickysession", "stickysessionsep", "scolonpathdelim", "nofailover",
                          "lbmethod", "maxattempts"})
    refuse(r, n, key,
           fmt::format("not allowed with {}: the configuration file sets it",
                       n["config"] ? "config" : "apache_conf"));
}

}  // namespace

void read_proxy(NodeReader& r, const YAML::Node& root, Scenario& s) {
  auto n = root["proxy"];
  if (!n) return;  // the reference balancer with its defaults
  if (!r.expect_map(n, "proxy")) return;
  r.check_keys(n, "proxy", kProxyKeys);
  auto& p = s.proxy;
  if (!read_type(r, n, p)) return;
  const ProxyKind* kind = find_proxy_kind(p.type);
  r.read_string(n, "config", "proxy", p.config);
  if (n["config"]) p.config_mark = mark_of(n["config"]);
  r.read_string(n, "url", "proxy", p.url);
  read_command(r, n, p);
  check_sources(r, n, p, *kind);
  check_reference_keys(r, n, p);
  read_balancer_keys(r, n, p);
  if (kind->real)
    read_members(r, n, s);
  else
    refuse(r, n, "members",
           "only for apache, haproxy, nginx and caddy, whose configuration names its members by "
           "address");
  read_apache_conf(r, n, p);
}

}  // namespace sc
