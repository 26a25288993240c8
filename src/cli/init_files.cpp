#include "cli/init_files.hpp"

#include <fmt/format.h>

#include "proxies/config_adapt.hpp"
#include "proxies/init_templates.hpp"
#include "proxies/proxy_kinds.hpp"

namespace sc::cli {

namespace {

const char* kHeader =
    "# Written by `stickycheck init --proxy {type}`; run it with `stickycheck run DIR` (this\n"
    "# file's folder). stickycheck starts the backends, then {what}, on 127.0.0.1 ports it\n"
    "# picks, sends {sessions} browser-like sessions through the proxy and checks that each stays\n"
    "# on one backend. The backends are mock PHP-like applications that keep their own sessions\n"
    "# (a request that lands on another backend loses its session, visibly).\n";

const char* kConfigNote =
    "# proxy.config is read beside this file. It may be your configuration as it ships:\n"
    "# stickycheck binds the address it chose in place of the file's Listen/bind/listen/site\n"
    "# address, points the members named by address at the backends below in order (or as\n"
    "# proxy.members says), adds what a standalone run needs, and keeps the proxy's files in a\n"
    "# private runtime directory; it prints each change. Placeholders such as {{{{listen}}}} and\n"
    "# {{{{address}}}} work too (docs/scenarios.md).\n";

std::string backends_yaml(std::size_t count, const std::vector<std::string>& members) {
  std::string out = "backends:";
  out += members.empty() ? "\n" : "  # one per member of the configuration, in its order\n";
  for (std::size_t i = 0; i < count; ++i)
    out += fmt::format("  - name: www{}{}\n", i + 1,
                       i < members.size() ? "  # " + members[i] : std::string());
  return out;
}

std::string members_hint(const std::vector<std::string>& members) {
  if (members.empty()) return "";
  std::string pairs;
  for (std::size_t i = 0; i < members.size(); ++i)
    pairs += fmt::format("{}\"{}\": www{}", i ? ", " : "", members[i], i + 1);
  return fmt::format("  # To pair them otherwise: members: {{{}}}\n", pairs);
}

// What each proxy's default configuration needs from the traffic and what it promises.
std::string traffic_and_expect(const std::string& type) {
  std::string t = "traffic:\n  sessions: 200\n  requests_per_session: 10\n  concurrency: 20\n";
  std::string e = "expect:\n  affinity: true\n  max_session_losses: 0\n";
  if (type == "nginx")  // ip_hash needs clients with their own addresses
    t += "  source_addresses: per_session\n  connection: per_request\n";
  // Caddy picks a new session's upstream at random: a fair spread of 200 sessions falls under
  // 0.001 once in a thousand runs (it did, in CI: 75/125), under 0.0001 once in ten thousand;
  // a broken spread (all on one) is far below either.
  if (type == "caddy") e += "  alpha: 0.0001\n";
  return t + e;
}

std::string proxy_yaml(const InitRequest& r, const std::string& config_name,
                       const std::vector<std::string>& members) {
  if (r.type == "reference" && config_name.empty())
    return "proxy:\n  type: reference\n  stickysession: BALANCEID\n";
  return fmt::format("proxy:\n  type: {}\n  config: {}\n{}", r.type, config_name,
                     members_hint(members));
}

}  // namespace

std::vector<InitFile> init_files(const InitRequest& r) {
  const ProxyKind* kind = find_proxy_kind(r.type);
  std::string config_name, config_text;
  if (!r.from_name.empty()) {
    config_name = r.from_name;
    config_text = r.from_text;
  } else if (kind && kind->real) {
    config_name = std::string(kind->config_name) + ".in";
    config_text = std::string(proxies::init_template(r.type));
  }
  const std::string& site_text = r.site_text.empty() ? config_text : r.site_text;
  const auto members = config_member_addresses(r.type, site_text);
  std::string s =
      fmt::format(fmt::runtime(kHeader), fmt::arg("type", r.type),
                  fmt::arg("what", r.type == "reference" ? "the reference balancer" : r.type),
                  fmt::arg("sessions", 200));
  if (!config_name.empty()) s += fmt::format(fmt::runtime(kConfigNote));
  s += fmt::format("name: {}-{}\n", r.type, r.from_name.empty() ? "sticky" : "own-config");
  s += "backend_defaults:\n  session_cookie: PHPSESSID\n";
  if (r.type == "reference" && config_name.empty())
    s += "  # The backends set the route cookie mod_proxy_balancer reads after its first '.'.\n"
         "  route_cookie: \"BALANCEID=balancer.{route}; path=/\"\n  route_cookie_when: always\n";
  if (const auto choice = config_pool_choice(r.type, site_text); !choice.empty())
    s += fmt::format("# In {}: {}.\n", config_name, choice);
  s += backends_yaml(members.empty() ? 2 : members.size(), members);
  s += proxy_yaml(r, config_name, members);
  s += traffic_and_expect(r.type);
  std::vector<InitFile> files = {{"scenario.yaml", s}};
  if (!config_name.empty()) files.push_back({config_name, config_text});
  return files;
}

}  // namespace sc::cli
