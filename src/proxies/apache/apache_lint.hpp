#pragma once
// Apache's lint rules (mod_proxy_balancer stickiness) over a configuration's text: balancers
// from <Proxy balancer://>, BalancerMember, ProxySet and ProxyPass, and the route cookie
// recipes of mod_headers. Pure: text in, findings out (lines of `text`, named `file`).
#include <string>
#include <string_view>
#include <vector>

#include "proxies/lint_finding.hpp"
#include "util/result.hpp"

namespace sc::apache {

// A located error when the grammar refuses the text (sections that do not nest).
Result<std::vector<Finding>> lint(std::string_view text, const std::string& file);

}  // namespace sc::apache
