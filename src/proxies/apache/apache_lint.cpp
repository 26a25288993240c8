#include "proxies/apache/apache_lint.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>
#include <optional>

#include "causes/causes.hpp"
#include "cookie/session_cookie_names.hpp"
#include "proxies/apache/apache_syntax.hpp"
#include "util/text.hpp"

namespace sc::apache {
namespace {

constexpr std::string_view kRouteVar = "%{BALANCER_WORKER_ROUTE}e";

struct Param {
  std::string key, value;  // key as written
  std::size_t line = 0;
};

struct Member {
  std::string url, route;
  std::size_t line = 0;
  bool upgrade = false;  // upgrade=websocket (a worker parameter, so on the member)
};

struct Balancer {
  std::string name;
  std::size_t line = 0;
  std::vector<Member> members;
  std::vector<Param> params;
  const Param* param(std::string_view key) const {
    for (const auto& p : params)
      if (to_lower(p.key) == key) return &p;
    return nullptr;
  }
};

// `Header [always] add|set|append Set-Cookie "NAME=VALUE..." [env=...]`.
struct CookieRecipe {
  std::string name, value;  // value: up to the first ';'
  bool env_condition = false;
  std::size_t line = 0;
  std::string attributes;            // after the first ';', lower case ("path=/; domain=...")
  const Directive* vhost = nullptr;  // the <VirtualHost> it is written in, if any
};

std::optional<Param> key_value(const std::string& word, std::size_t line) {
  const auto eq = word.find('=');
  if (eq == std::string::npos || eq == 0) return std::nullopt;
  return Param{word.substr(0, eq), word.substr(eq + 1), line};
}

// "balancer://shop/" or "balancer://shop" -> "shop"; "" when not a balancer URL.
std::string balancer_name(std::string_view url) {
  if (!iequals(url.substr(0, 11), "balancer://")) return "";
  auto name = url.substr(11);
  return to_lower(name.substr(0, name.find('/')));
}

Balancer& balancer(std::map<std::string, Balancer>& all, const std::string& name,
                   std::size_t line) {
  auto& b = all[name];
  if (b.name.empty()) b.name = name, b.line = line;
  return b;
}

void add_member(Balancer& b, const Directive& d, std::size_t first_arg) {
  Member m{d.arg(first_arg), "", d.line};
  for (std::size_t i = first_arg + 1; i < d.args.size(); ++i)
    if (auto p = key_value(d.args[i], d.line)) {
      if (to_lower(p->key) == "route") m.route = p->value;
      if (to_lower(p->key) == "upgrade") m.upgrade = true;
    }
  b.members.push_back(m);
}

void add_params(Balancer& b, const Directive& d, std::size_t first) {
  for (std::size_t i = first; i < d.args.size(); ++i)
    if (auto p = key_value(d.args[i], d.line)) b.params.push_back(*p);
}

void read_proxy_section(const Directive& section, std::map<std::string, Balancer>& all) {
  const std::string name = balancer_name(section.arg());
  if (name.empty()) return;
  auto& b = balancer(all, name, section.line);
  for (const auto& d : section.children) {
    if (d.lower() == "balancermember") add_member(b, d, 0);
    if (d.lower() == "proxyset") add_params(b, d, 0);
  }
}

// Every balancer, wherever its parts are written.
std::map<std::string, Balancer> balancers(const std::vector<Directive>& tree) {
  std::map<std::string, Balancer> all;
  for (const auto& f : find_all(tree, "proxy")) read_proxy_section(*f.directive, all);
  for (const auto& f : find_all(tree, "balancermember")) {
    const auto& d = *f.directive;
    if (auto name = balancer_name(d.arg()); !name.empty())
      add_member(balancer(all, name, d.line), d, 1);
  }
  for (const auto& name : {"proxyset", "proxypass", "proxypassmatch"})
    for (const auto& f : find_all(tree, name)) {
      const auto& d = *f.directive;
      for (std::size_t i = 0; i < d.args.size() && i < 2; ++i)
        if (auto b = balancer_name(d.args[i]); !b.empty()) {
          add_params(balancer(all, b, d.line), d, i + 1);
          break;
        }
    }
  return all;
}

std::vector<CookieRecipe> cookie_recipes(const std::vector<Directive>& tree) {
  std::vector<CookieRecipe> out;
  for (const auto& f : find_all(tree, "header")) {
    const auto& d = *f.directive;
    std::size_t i = iequals(d.arg(0), "always") || iequals(d.arg(0), "onsuccess") ? 1 : 0;
    const std::string action = to_lower(d.arg(i));
    if ((action != "add" && action != "set" && action != "append") ||
        !iequals(d.arg(i + 1), "set-cookie"))
      continue;
    const std::string& text = d.arg(i + 2);
    const auto eq = text.find('=');
    if (eq == std::string::npos) continue;
    const auto semi = text.find(';');
    CookieRecipe r{std::string(trim(text.substr(0, eq))),
                   text.substr(eq + 1, semi - eq - 1),
                   false,
                   d.line,
                   semi == std::string::npos ? "" : to_lower(text.substr(semi + 1)),
                   nullptr};
    for (const auto* parent : f.parents)
      if (parent->lower() == "virtualhost") r.vhost = parent;
    for (std::size_t k = i + 3; k < d.args.size(); ++k)
      if (to_lower(d.args[k]).starts_with("env=")) r.env_condition = true;
    out.push_back(r);
  }
  return out;
}

const CookieRecipe* recipe_for(const std::vector<CookieRecipe>& recipes, std::string_view name) {
  for (const auto& r : recipes)
    if (r.name == name && r.value.find(kRouteVar) != std::string::npos) return &r;
  return nullptr;
}

using Context = FindingSink;

void parameter_rules(const Balancer& b, Context& c) {
  for (const auto& p : b.params) {
    if (auto unknown = unknown_balancer_parameter(p.key); !unknown.empty())
      c.add("apache/unknown-balancer-parameter", p.line,
            fmt::format("{}={} on balancer://{}: {}", p.key, p.value, b.name, unknown),
            "httpd refuses to start with a parameter it does not know (apache2 -t fails), so "
            "the balancer never runs with this configuration",
            to_lower(p.key) == "failover"
                ? "remove it (failing over is the default) or write nofailover=On to answer the "
                  "sessions of a dead member with an error instead"
                : "use one of mod_proxy_balancer's parameters, as spelt in its manual");
    if (to_lower(p.key) == "nofailover" && iequals(p.value, "on"))
      c.add("apache/nofailover", p.line, fmt::format("nofailover=On on balancer://{}", b.name),
            "the sessions of a member that goes down get 503 until they lose their cookie; "
            "this is right only for applications that cannot resume a session elsewhere",
            "remove nofailover=On to let the balancer send them to another member");
  }
}

// The cookie half of stickysession ("JSESSIONID|jsessionid": the cookie, then the URL key).
std::string sticky_cookie(const Balancer& b) {
  const Param* p = b.param("stickysession");
  return p ? p->value.substr(0, p->value.find('|')) : "";
}

void session_cookie_rule(const Balancer& b, const std::vector<CookieRecipe>& recipes, Context& c) {
  const std::string cookie = sticky_cookie(b);
  if (cookie.empty() || !is_session_cookie_name(cookie) || recipe_for(recipes, cookie)) return;
  const Param* p = b.param("stickysession");
  Finding f = make_finding(
      "apache/session-cookie-without-route", c.file, p->line,
      fmt::format("stickysession={} on balancer://{}: {} values are the application's session "
                  "ids, and nothing in this file gives them a '.route'",
                  p->value, b.name, cookie),
      fmt::format("the sticky cookie carries no route, and {}", no_route_means_afresh()),
      route_cookie_remedy());
  if (iequals(cookie, "jsessionid")) {
    f.severity = Severity::kWarning;  // Tomcat appends ".jvmRoute" when it is configured
    f.message += " (Tomcat adds one when each server's jvmRoute is set)";
    f.why =
        "stickiness works only if every Tomcat's jvmRoute equals its member's route=; "
        "otherwise " +
        std::string(no_route_means_afresh());
  }
  c.out.push_back(std::move(f));
}

void member_rules(const Balancer& b, Context& c) {
  if (sticky_cookie(b).empty()) return;
  std::map<std::string, std::size_t> routes;
  for (const auto& m : b.members) {
    if (m.route.empty()) {
      c.add("apache/member-without-route", m.line,
            fmt::format("BalancerMember {} of balancer://{} has no route=", m.url, b.name),
            "mod_proxy_balancer finds a session's member by the route after the separator of "
            "its sticky cookie; a member without a route is never found, so its sessions are "
            "balanced afresh on every request",
            "give every member a route of its own (route=www1) and have the sticky cookie "
            "carry it");
      continue;
    }
    if (auto [it, fresh] = routes.emplace(m.route, m.line); !fresh)
      c.add("apache/duplicate-route", m.line,
            fmt::format("route={} of BalancerMember {} is also the route of the member on line "
                        "{}",
                        m.route, m.url, it->second),
            "the balancer sends every session carrying this route to the first member with it; "
            "the other one's sessions move there and are lost",
            "give each member a route of its own");
  }
}

char separator(const Balancer& b) {
  const Param* p = b.param("stickysessionsep");
  return p && !p->value.empty() ? p->value.front() : '.';
}

void recipe_rules(const Balancer& b, const std::vector<CookieRecipe>& recipes, Context& c) {
  const std::string cookie = sticky_cookie(b);
  for (const auto& r : recipes) {
    const auto at = r.value.find(kRouteVar);
    if (at == std::string::npos) continue;
    if (!cookie.empty() && r.name != cookie && !recipe_for(recipes, cookie))
      c.add("apache/route-cookie-not-read", r.line,
            fmt::format("Header sets {} with the member's route, but balancer://{} sticks on "
                        "stickysession={}",
                        r.name, b.name, cookie),
            "the balancer never reads the cookie the recipe sets, so every request is balanced "
            "afresh",
            fmt::format("name the same cookie in both: stickysession={} (or Set-Cookie {}=...)",
                        r.name, cookie));
    const char sep = separator(b);
    if (at == 0 || r.value[at - 1] != sep)
      c.add("apache/route-without-separator", r.line,
            fmt::format("{}={}: the route is not preceded by the separator '{}'", r.name, r.value,
                        sep),
            "mod_proxy_balancer takes the route from after the first separator of the cookie's "
            "value; without one before the route it finds none",
            fmt::format("write the separator before the route: {}={}{}", r.name,
                        r.value.substr(0, at) + sep, kRouteVar));
    if (!r.env_condition)
      c.add("apache/route-recipe-without-env", r.line,
            fmt::format("Header sets {} on every response, without env=BALANCER_ROUTE_CHANGED",
                        r.name),
            "a response the balancer did not route (a static file, an error page of httpd's "
            "own) has no BALANCER_WORKER_ROUTE, and the recipe then overwrites the cookie with "
            "no route, so the next request is balanced afresh",
            "add env=BALANCER_ROUTE_CHANGED, as in the manual's recipe");
  }
}

// One attribute of a Set-Cookie text ("domain" -> ".example.com"); nullopt when absent.
std::optional<std::string> attribute(const std::string& attributes, std::string_view name) {
  for (std::size_t at = 0; at <= attributes.size();) {
    auto end = attributes.find(';', at);
    if (end == std::string::npos) end = attributes.size();
    const auto part = trim(std::string_view(attributes).substr(at, end - at));
    const auto eq = part.find('=');
    if (trim(part.substr(0, eq)) == name)
      return eq == std::string_view::npos ? "" : std::string(trim(part.substr(eq + 1)));
    at = end + 1;
  }
  return std::nullopt;
}

struct VhostFacts {
  std::vector<std::string> names;  // ServerName and ServerAlias, lower case
  bool tls = false;                // SSLEngine on, or an address on port 443
  std::vector<std::string> proxied_paths;
};

VhostFacts facts_of(const Directive& vhost) {
  VhostFacts v;
  for (const auto& a : vhost.args) v.tls = v.tls || a.ends_with(":443");
  for (const auto& d : vhost.children) {
    const std::string n = d.lower();
    if (n == "servername") v.names.push_back(to_lower(d.arg()));
    if (n == "serveralias")
      for (const auto& a : d.args) v.names.push_back(to_lower(a));
    if (n == "sslengine") v.tls = v.tls || iequals(d.arg(), "on");
    if (n == "proxypass" && d.args.size() >= 2 && !balancer_name(d.args[1]).empty())
      v.proxied_paths.push_back(d.arg(0));
  }
  return v;
}

bool domain_matches(const std::string& host, std::string domain) {
  if (domain.starts_with(".")) domain.erase(0, 1);
  return host == domain || (host.size() > domain.size() && host.ends_with("." + domain));
}

// A route cookie whose Domain, Path or Secure cannot fit the virtual host it is set in.
void attribute_rules(const CookieRecipe& r, Context& c) {
  if (!r.vhost || r.value.find(kRouteVar) == std::string::npos) return;
  const VhostFacts v = facts_of(*r.vhost);
  if (auto domain = attribute(r.attributes, "domain");
      domain && !domain->empty() && !v.names.empty()) {
    bool any = false;
    for (const auto& n : v.names) any = any || domain_matches(n, to_lower(*domain));
    if (!any)
      c.add("apache/route-cookie-attributes", r.line,
            fmt::format("{}'s Domain={} does not cover this virtual host ({})", r.name, *domain,
                        fmt::join(v.names, ", ")),
            "a browser drops a cookie whose Domain the host it came from is not in, so the "
            "route cookie is never sent back and every request is balanced afresh",
            "remove domain= (the cookie then belongs to the host that set it) or name the "
            "site's own domain");
  }
  if (auto path = attribute(r.attributes, "path"); path && *path != "/")
    for (const auto& p : v.proxied_paths)
      if (!p.starts_with(*path)) {
        Finding f = make_finding(
            "apache/route-cookie-attributes", c.file, r.line,
            fmt::format("{}'s Path={} does not cover {}, which this virtual host proxies", r.name,
                        *path, p),
            fmt::format("browsers send the cookie only under {}: requests to {} carry no route "
                        "and are balanced afresh",
                        *path, p),
            "write path=/ (or the common prefix of every proxied path)");
        f.severity = Severity::kWarning;
        c.out.push_back(std::move(f));
        break;
      }
  if (attribute(r.attributes, "secure") && !v.tls) {
    Finding f = make_finding(
        "apache/route-cookie-attributes", c.file, r.line,
        fmt::format("{} is Secure, but this virtual host serves plain http", r.name),
        "browsers neither store nor send a Secure cookie over http; it works only when a TLS "
        "terminator in front of httpd serves the site over https",
        "drop secure for a site served over http, or set the cookie in the https virtual host");
    f.severity = Severity::kWarning;
    c.out.push_back(std::move(f));
  }
}

// A ProxyPass of socket.io, SockJS, SignalR or WebSocket paths to a balancer of http://
// members, with neither upgrade=websocket nor ws:// members nor a RewriteCond on Upgrade.
void realtime_rules(const std::vector<Directive>& tree, const std::map<std::string, Balancer>& all,
                    Context& c) {
  for (const auto& f : find_all(tree, "rewritecond"))
    if (to_lower(f.directive->arg()).find("upgrade") != std::string::npos) return;
  for (const auto& f : find_all(tree, "proxypass")) {
    const auto& d = *f.directive;
    if (d.args.size() < 2 || !is_realtime_path(d.arg(0))) continue;
    const auto it = all.find(balancer_name(d.arg(1)));
    if (it == all.end()) continue;
    bool upgrade = false;
    for (const auto& m : it->second.members)
      upgrade = upgrade || m.upgrade || to_lower(m.url).starts_with("ws");
    if (upgrade) continue;
    c.add("apache/websocket-without-upgrade", d.line,
          fmt::format("ProxyPass {} to balancer://{}, whose http:// members lack "
                      "upgrade=websocket",
                      d.arg(0), it->first),
          "httpd answers a WebSocket upgrade on an http:// worker only when told to, so socket.io "
          "stays on long-polling, whose every poll must reach the node that issued the session "
          "id",
          "add upgrade=websocket to each BalancerMember (httpd 2.4.47 and later; it is a worker "
          "parameter, which ProxyPass to a balancer refuses), or route Upgrade requests to a "
          "balancer of ws:// members (RewriteCond %{HTTP:Upgrade} =websocket [NC])");
  }
}

}  // namespace

Result<std::vector<Finding>> lint(std::string_view text, const std::string& file) {
  auto config = parse(text, file);
  if (!config) return config.error();
  Context c{file, {}};
  const auto recipes = cookie_recipes(config->directives);
  for (const auto& r : recipes) attribute_rules(r, c);
  const auto all = balancers(config->directives);
  realtime_rules(config->directives, all, c);
  for (const auto& [name, b] : all) {
    parameter_rules(b, c);
    session_cookie_rule(b, recipes, c);
    member_rules(b, c);
    recipe_rules(b, recipes, c);
  }
  return c.out;
}

}  // namespace sc::apache
