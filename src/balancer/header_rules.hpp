#pragma once
// mod_headers' Header rules over the balancer's environment variables (BALANCER_*),
// so that the Apache manual's ROUTEID recipe works unchanged. Pure functions.
#include <map>
#include <string>

#include "balancer/site_config.hpp"
#include "net/http_types.hpp"

namespace sc {

using EnvVars = std::map<std::string, std::string>;

// Expands %{VAR}e (unset: "(null)", as mod_headers does) and %%.
std::string expand_header_value(const std::string& value, const EnvVars& env);

void apply_header_rules(const std::vector<HeaderRule>& rules, const EnvVars& env,
                        net::Response& res);

}  // namespace sc
