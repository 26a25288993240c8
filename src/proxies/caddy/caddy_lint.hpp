#pragma once
// Caddy's lint rules (reverse_proxy's lb_policy) over a Caddyfile's text. Pure: text in,
// findings out (lines of `text`, named `file`).
#include <string>
#include <string_view>
#include <vector>

#include "proxies/lint_finding.hpp"
#include "util/result.hpp"

namespace sc::caddy {

// A located error when the text is not a Caddyfile's tokens and blocks.
Result<std::vector<Finding>> lint(std::string_view text, const std::string& file);

}  // namespace sc::caddy
