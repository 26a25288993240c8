#pragma once
// HAProxy's lint rules (cookie persistence, redispatch, address hashing) over a configuration's
// text. Pure: text in, findings out (lines of `text`, named `file`).
#include <string>
#include <string_view>
#include <vector>

#include "proxies/lint_finding.hpp"

namespace sc::haproxy {

std::vector<Finding> lint(std::string_view text, const std::string& file);

}  // namespace sc::haproxy
