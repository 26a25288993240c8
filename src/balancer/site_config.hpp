#pragma once
// What one reference balancer process serves: balancers, the paths mapped to them
// (ProxyPass), response header rules (mod_headers' Header), and where to listen.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "balancer/access_rules.hpp"
#include "balancer/balancer_config.hpp"

namespace sc {

struct RewriteRules;  // balancer/rewrite_rules.hpp: Boost.Regex stays out of this header

struct ProxyRoute {
  std::string prefix;         // ProxyPass PATH
  int balancer = -1;          // index into balancers; -1 for "ProxyPass PATH !"
  std::string balancer_path;  // the path after balancer://NAME, e.g. "/" or "/app/"
};

struct ReverseRoute {  // ProxyPassReverse PATH balancer://NAME/PATH
  std::string prefix;
  int balancer = -1;
  std::string balancer_path;
};

// Header add|set|append|merge|unset NAME [VALUE] [env=[!]VAR], applied to proxied responses.
struct HeaderRule {
  enum class Action { kAdd, kSet, kAppend, kMerge, kUnset };
  Action action = Action::kAdd;
  std::string name;
  std::string value;  // may hold %{VAR}e
  std::string env;    // condition variable, "" for none
  bool env_negated = false;
};

// <Location PATH> SetHandler balancer-manager, with the section's Require lines. No Require
// means `Require local` here (httpd would grant everyone): the manager can drain members.
struct ManagerConfig {
  std::string path;
  std::vector<AccessRule> require;
};

struct SiteConfig {
  std::string listen;  // HOST:PORT
  std::optional<ManagerConfig> manager;  // none: the manager is not served
  std::vector<BalancerConfig> balancers;
  std::vector<ProxyRoute> routes;
  // RewriteRule ... [P] to a balancer://, tried before the ProxyPass routes as httpd does;
  // null when the file has none.
  std::shared_ptr<const RewriteRules> rewrites;
  std::vector<ReverseRoute> reverse_routes;
  std::vector<HeaderRule> headers;
  bool debug_log = false;          // LogLevel ... proxy_balancer:debug
  bool preserve_host = false;      // ProxyPreserveHost On: the client's Host goes to members
  std::string server_name;         // ServerName, for X-Forwarded-Server ("": this host's name)
  // LimitRequestBody: the largest request body, in bytes (0: no limit). httpd 2.4.54's
  // default, 1 GiB. Bodies are streamed, so this bounds traffic, not memory.
  std::uint64_t limit_request_body = 1024ull * 1024 * 1024;
  std::vector<std::string> notes;  // what was read but skipped, one line each
};

// The site for the command-line form: one balancer mapped at "/".
SiteConfig single_balancer_site(BalancerConfig balancer, std::string listen);

// The manager at `path` for loopback clients only (`Require local`).
ManagerConfig local_manager(std::string path);

}  // namespace sc
