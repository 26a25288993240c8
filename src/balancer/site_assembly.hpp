#pragma once
// The reference balancer's site from what the command line gives: an Apache configuration
// file, or members and ProxySet parameters, plus a listen address and member addresses that
// replace the configuration's (so a user's own configuration can front stickycheck's mock
// backends).
#include <string>
#include <vector>

#include "balancer/site_config.hpp"
#include "util/result.hpp"

namespace sc {

struct SiteSources {
  std::string listen;       // HOST:PORT; empty: the configuration's Listen, else 127.0.0.1:8080
  std::string apache_conf;  // an httpd configuration file; excludes members and params
  std::vector<std::string> members;      // BalancerMember lines (--member)
  std::vector<std::string> params;       // ProxySet key=value (--set)
  std::vector<std::string> member_urls;  // the k-th member gets the k-th URL (--member-url)
  std::string manager_path;  // serve the balancer-manager there to local clients (--manager)
};

// Errors name the option at fault ("--member: ...", "--set K=V: ..."). Every balancer gets
// its balancer-manager nonce here (a random UUID unless the configuration set one).
Result<SiteConfig> assemble_site(const SiteSources& sources);

}  // namespace sc
