#include "proxies/nginx/nginx_lint.hpp"

#include <fmt/format.h>

#include "causes/causes.hpp"
#include "proxies/nginx/nginx_site.hpp"
#include "proxies/nginx/nginx_syntax.hpp"
#include "util/text.hpp"

namespace sc::nginx {
namespace {

using Context = FindingSink;

void hash_rules(const std::string& pool, const Directive& d, Context& c) {
  const HashKey key = read_hash_key(d);
  if (!key.meant.empty())
    c.add("nginx/cookie-variable-name", d.name.line,
          fmt::format("hash {} in upstream {}: nginx reads the cookie `{}` followed by the text "
                      "\"{}\", not the cookie `{}`",
                      key.written, pool, key.cookies.front(), key.literal_after, key.meant),
          "a variable name runs over letters, digits and '_' only; the cookie nginx reads is "
          "never set, every key is the same text, and all sessions hash to one server",
          fmt::format("hash by a cookie whose name nginx can spell, or map it first: map "
                      "$http_cookie $sticky {{ \"~{}=(?<v>[^;]+)\" $v; }} and hash $sticky "
                      "consistent",
                      key.meant),
          d.args.front().column);
  else if (!key.cookies.empty())
    c.add("nginx/hash-cookie-first-request", d.name.line,
          fmt::format("hash {} in upstream {}: a session's first request carries no {} yet",
                      key.written, pool, key.cookies.front()),
          first_request_unhashed(nginx_cookie_hash_how()),
          std::string(first_request_unhashed_remedy()), d.name.column);
  if (!d.has_arg("consistent"))
    c.add("nginx/hash-without-consistent", d.name.line,
          fmt::format("hash {} in upstream {} without `consistent`", d.arg(), pool),
          "without consistent hashing, adding or removing one server remaps most keys, and "
          "most sessions move to a server that does not hold them",
          fmt::format("write `hash {} consistent;` (ketama)", d.arg()), d.name.column);
}

void upstream_rules(const Directive& upstream, Context& c) {
  const std::string& pool = upstream.arg();
  for (const auto& d : upstream.children) {
    const std::string& name = d.name.text;
    if (name == "hash" && !d.args.empty()) hash_rules(pool, d, c);
    if (name == "ip_hash")
      c.add("nginx/ip-hash", d.name.line, fmt::format("ip_hash in upstream {}", pool),
            address_hash_why(nginx_ip_hash_how()) +
                "; it works only while clients reach nginx from addresses of their own",
            "behind a proxy or a NAT, hash a cookie the application sets on its first answer "
            "(hash $cookie_NAME consistent), knowing its first request is unbound, or use a "
            "balancer that inserts its own cookie",
            d.name.column);
    if (name == "sticky")
      c.add("nginx/sticky-open-source", d.name.line,
            fmt::format("sticky in upstream {}: open-source nginx has no such directive", pool),
            "`sticky` is nginx Plus (or a third-party module); nginx as Debian ships it refuses "
            "the file with \"unknown directive\" and does not start",
            "use `hash $cookie_NAME consistent;` (open source), or run nginx Plus or Angie",
            d.name.column);
  }
}

// The directives named `name` as nginx applies them in `location`: those of the innermost
// level that has any (an inner proxy_set_header replaces every outer one).
std::vector<const Directive*> in_effect(const Found& location, std::string_view name) {
  std::vector<const Directive*> levels = location.parents;
  levels.push_back(location.directive);
  for (auto level = levels.rbegin(); level != levels.rend(); ++level) {
    std::vector<const Directive*> out;
    for (const auto& d : (*level)->children)
      if (d.name.text == name) out.push_back(&d);
    if (!out.empty()) return out;
  }
  return {};
}

// nginx's time syntax: "90", "90s", "2m", "1m30s", "500ms"; -1 when unreadable.
double seconds_of(const std::string& t) {
  double total = 0, n = 0;
  bool digits = false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char ch = t[i];
    if (ch >= '0' && ch <= '9') {
      n = n * 10 + (ch - '0'), digits = true;
      continue;
    }
    if (!digits) return -1;
    const bool ms = ch == 'm' && i + 1 < t.size() && t[i + 1] == 's';
    const double unit = ms ? 0.001 : ch == 's' ? 1 : ch == 'm' ? 60 : ch == 'h' ? 3600 : -1;
    if (unit < 0) return -1;
    total += n * unit, n = 0, digits = false;
    if (ms) ++i;
  }
  return total + n;
}

bool sets_header(const std::vector<const Directive*>& headers, std::string_view name,
                 std::string_view value_part) {
  for (const auto* h : headers)
    if (to_lower(h->arg(0)) == name && to_lower(h->arg(1)).find(value_part) != std::string::npos)
      return true;
  return false;
}

void realtime_rules(const Found& location, Context& c) {
  const Directive& loc = *location.directive;
  const std::string path = loc.args.empty() ? "" : loc.args.back().text;
  bool proxies = false;
  for (const auto& d : loc.children) proxies = proxies || d.name.text == "proxy_pass";
  if (!proxies || !is_realtime_path(path)) return;
  const auto headers = in_effect(location, "proxy_set_header");
  const auto version = in_effect(location, "proxy_http_version");
  const bool http11 = !version.empty() && version.back()->arg() == "1.1";
  if (!http11 || !sets_header(headers, "upgrade", "$http_upgrade") ||
      !sets_header(headers, "connection", "upgrade"))
    c.add("nginx/websocket-without-upgrade", loc.name.line,
          fmt::format("location {} proxies real-time traffic without {}", path,
                      http11 ? "passing Upgrade and Connection on"
                             : "proxy_http_version 1.1 and the Upgrade and Connection headers"),
          "nginx forwards neither the client's Upgrade nor its Connection header unless told, "
          "so no WebSocket upgrade ever happens: socket.io stays on long-polling, whose every "
          "poll must reach the node that issued the session id",
          "in the location: proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; "
          "proxy_set_header Connection \"upgrade\";",
          loc.name.column);
  const auto timeout = in_effect(location, "proxy_read_timeout");
  if (timeout.empty()) return;
  const double s = seconds_of(timeout.back()->arg());
  if (s >= 0 && s < 25)
    c.add("nginx/read-timeout-under-ping-interval", timeout.back()->name.line,
          fmt::format("proxy_read_timeout {} for location {}", timeout.back()->arg(), path),
          "socket.io's server answers an idle long-poll only at its ping, every 25 s by "
          "default (pingInterval); a shorter read timeout cuts every idle poll with a 504 and "
          "the client reconnects, as a new session",
          "proxy_read_timeout 60s; (nginx's default) or more than the application's "
          "pingInterval",
          timeout.back()->name.column);
}

}  // namespace

Result<std::vector<Finding>> lint(std::string_view text, const std::string& file) {
  auto config = parse(text, file);
  if (!config) return config.error();
  Context c{file, {}};
  for (const auto& f : find_all(config->directives, "upstream")) upstream_rules(*f.directive, c);
  for (const auto& f : find_all(config->directives, "location")) realtime_rules(f, c);
  return c.out;
}

}  // namespace sc::nginx
