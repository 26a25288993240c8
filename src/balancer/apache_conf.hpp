#pragma once
// Reads the balancer part of an Apache httpd configuration: Listen, <Proxy balancer://...>
// with BalancerMember and ProxySet, ProxyPass/ProxyPassReverse to balancers, Header rules and
// LogLevel. Everything else is skipped with one note each, so a whole httpd.conf can be given.
// Errors are "FILE:LINE: Directive: message", like httpd's own configuration errors.
#include <string>
#include <string_view>
#include <vector>

#include "balancer/site_config.hpp"
#include "util/result.hpp"

namespace sc {

Result<SiteConfig> parse_apache_conf(std::string_view text, const std::string& file);
Result<SiteConfig> load_apache_conf(const std::string& path);

}  // namespace sc
