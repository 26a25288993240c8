#pragma once
// nginx's lint rules (hash and ip_hash stickiness, directives open-source nginx lacks) over a
// configuration's text. Pure: text in, findings out (lines of `text`, named `file`).
#include <string>
#include <string_view>
#include <vector>

#include "proxies/lint_finding.hpp"
#include "util/result.hpp"

namespace sc::nginx {

// A located error when the text is not nginx's tokens and blocks.
Result<std::vector<Finding>> lint(std::string_view text, const std::string& file);

}  // namespace sc::nginx
