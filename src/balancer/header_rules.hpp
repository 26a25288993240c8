#pragma once
// mod_headers' Header rules over the balancer's environment variables (BALANCER_*),
// so that the Apache manual's ROUTEID recipe works unchanged. Pure functions.
#include <boost/container/small_vector.hpp>
#include <string>
#include <string_view>
#include <utility>

#include "balancer/site_config.hpp"
#include "net/http_types.hpp"

namespace sc {

// The variables set for one response, as views of strings that outlive it: a handful, built
// for every response that Header rules may touch, so without an allocation.
using EnvVars = boost::container::small_vector<std::pair<std::string_view, std::string_view>, 6>;

// The value of `name`, or nullptr when it is unset.
const std::string_view* find_env(const EnvVars& env, std::string_view name);

// Expands %{VAR}e (unset: "(null)", as mod_headers does) and %%.
std::string expand_header_value(const std::string& value, const EnvVars& env);

void apply_header_rules(const std::vector<HeaderRule>& rules, const EnvVars& env,
                        net::Response& res);

}  // namespace sc
