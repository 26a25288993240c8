#pragma once
// The values an Apache configuration hands to the rest of a run (the routes the backends take,
// the sticky cookie and separator the checks use), checked as the scenario's own keys are,
// before anything starts: the reference balancer reads such a file as httpd would, but a route
// the backend must write into Set-Cookie keeps to the backend's characters. Errors name the
// file, the line and the field: "FILE:LINE: BalancerMember route: expected ...".
#include <string>
#include <string_view>
#include <vector>

#include "balancer/site_config.hpp"

namespace sc {

// `takes_route[i]`: member i's route (members in the order of site.balancers) becomes the
// route of the backend paired with it. `text` is the configuration `site` was read from.
std::vector<std::string> apache_site_value_problems(const SiteConfig& site, std::string_view text,
                                                    const std::string& file,
                                                    const std::vector<bool>& takes_route);

}  // namespace sc
