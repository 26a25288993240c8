#include "proxies/caddy/caddy_lint.hpp"

#include <fmt/format.h>

#include "causes/causes.hpp"
#include "proxies/caddy/caddy_syntax.hpp"

namespace sc::caddy {
namespace {

using Context = FindingSink;

void policy_rules(const Directive& policy, Context& c) {
  const std::string& kind = policy.arg(0);
  if (kind == "ip_hash" || kind == "client_ip_hash")
    c.add("caddy/ip-hash", policy.line, fmt::format("lb_policy {}", kind),
          address_hash_why(caddy_ip_hash_how()) +
              (kind == "ip_hash" ? "; behind another proxy or a CDN every client has that "
                                   "proxy's address, so all sessions go to one upstream"
                                 : "; client_ip_hash sees the real client only through "
                                   "trusted_proxies, and clients behind one NAT share it"),
          "stick on a cookie Caddy sets itself: lb_policy cookie");
  if (kind == "cookie" && policy.tokens.size() < 4)
    c.add("caddy/cookie-without-secret", policy.line,
          fmt::format("lb_policy cookie{} without a secret",
                      policy.tokens.size() > 2 ? " " + policy.arg(1) : ""),
          "the cookie's value is an unkeyed hash of the upstream's address: anyone can work out "
          "which upstream a value names, and instances that dial the upstreams by different "
          "addresses do not agree on it",
          "give a secret, the same on every Caddy instance: lb_policy cookie NAME SECRET");
}

void walk(const std::vector<Directive>& within, Context& c) {
  for (const auto& d : within) {
    if (d.name() == "lb_policy") policy_rules(d, c);
    walk(d.children, c);
  }
}

}  // namespace

Result<std::vector<Finding>> lint(std::string_view text, const std::string& file) {
  auto config = parse(text, file);
  if (!config) return config.error();
  Context c{file, {}};
  walk(*config, c);
  return c.out;
}

}  // namespace sc::caddy
