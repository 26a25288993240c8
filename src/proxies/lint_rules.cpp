#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "proxies/lint_finding.hpp"

namespace sc {
namespace {

using enum Severity;

// The README's rules table follows this order; ids never change once published.
constexpr std::array<LintRule, 27> kRules = {{
    {"apache/session-cookie-without-route", kError,
     "stickysession names a session cookie whose values carry no route"},
    {"apache/member-without-route", kError, "a BalancerMember without route= on a sticky balancer"},
    {"apache/duplicate-route", kError, "two members of a balancer with the same route"},
    {"apache/route-cookie-not-read", kError,
     "the route cookie recipe sets a cookie the balancer does not stick on"},
    {"apache/route-without-separator", kError,
     "the route cookie's value has no separator before the route"},
    {"apache/route-recipe-without-env", kWarning,
     "the route cookie recipe lacks env=BALANCER_ROUTE_CHANGED"},
    {"apache/route-cookie-attributes", kError,
     "the route cookie's Domain, Path or Secure does not fit its virtual host"},
    {"apache/unknown-balancer-parameter", kError,
     "a balancer parameter httpd does not know (failover=Off)"},
    {"apache/nofailover", kWarning, "nofailover=On: a dead member's sessions get 503"},
    {"apache/websocket-without-upgrade", kWarning,
     "a socket.io or WebSocket path proxied to http:// members without upgrade=websocket"},
    {"haproxy/server-without-cookie", kError,
     "a server without a cookie value in a sticky backend"},
    {"haproxy/duplicate-cookie-value", kError, "two servers with the same cookie value"},
    {"haproxy/insert-without-indirect-nocache", kWarning,
     "cookie ... insert without indirect or nocache"},
    {"haproxy/no-redispatch", kWarning,
     "cookie persistence without option redispatch or health checks"},
    {"haproxy/balance-source", kWarning,
     "balance source: clients behind one address share a server"},
    {"haproxy/stick-on-session-id", kWarning,
     "a stick-table keyed on the session id, which changes at login"},
    {"haproxy/server-timeout-under-ping-interval", kWarning,
     "timeout server under socket.io's 25 s ping interval in front of socket.io"},
    {"nginx/hash-cookie-first-request", kError,
     "hash $cookie_NAME: a session's first request is not bound"},
    {"nginx/cookie-variable-name", kError,
     "a $cookie_ variable that nginx reads shorter than written ($cookie_connect.sid)"},
    {"nginx/hash-without-consistent", kWarning, "hash without consistent"},
    {"nginx/ip-hash", kWarning, "ip_hash: clients of one /24 or NAT share a server"},
    {"nginx/sticky-open-source", kError, "sticky, which open-source nginx does not have"},
    {"nginx/websocket-without-upgrade", kWarning,
     "a socket.io or WebSocket location without proxy_http_version 1.1, Upgrade and Connection"},
    {"nginx/read-timeout-under-ping-interval", kWarning,
     "proxy_read_timeout under socket.io's 25 s ping interval on a real-time location"},
    {"caddy/ip-hash", kWarning, "lb_policy ip_hash or client_ip_hash behind another proxy"},
    {"caddy/cookie-without-secret", kNote, "lb_policy cookie without a secret"},
    {"lint/include-not-followed", kNote, "an include lint could not follow (linted without it)"},
}};

}  // namespace

std::span<const LintRule> lint_rules() { return kRules; }

const LintRule* find_lint_rule(std::string_view id) {
  auto it =
      std::find_if(kRules.begin(), kRules.end(), [&](const LintRule& r) { return r.id == id; });
  return it == kRules.end() ? nullptr : &*it;
}

Finding make_finding(std::string_view rule, std::string file, std::size_t line, std::string message,
                     std::string why, std::string fix) {
  const LintRule* r = find_lint_rule(rule);
  return Finding{std::string(rule),
                 r ? r->severity : Severity::kError,
                 std::move(file),
                 line,
                 1,
                 std::move(message),
                 std::move(why),
                 std::move(fix)};
}

bool is_realtime_path(std::string_view path) {
  for (const char* p : {"socket.io", "sockjs", "signalr", "/ws", "websocket", "/hub"})
    if (path.find(p) != std::string_view::npos) return true;
  return false;
}

std::string finding_location(const Finding& f) {
  return f.line == 0 ? f.file : fmt::format("{}:{}:{}", f.file, f.line, f.column);
}

std::string finding_line(const Finding& f) {
  return fmt::format("{}: {}: {} [{}]", finding_location(f), to_string(f.severity), f.message,
                     f.rule);
}

}  // namespace sc
