#pragma once
// A finding as JSON, one shape for `lint --json` and the run report's `proxy.lint`, and back
// (a saved report rendered again).
#include <nlohmann/json.hpp>
#include <vector>

#include "proxies/lint_finding.hpp"

namespace sc {

nlohmann::json finding_to_json(const Finding& f);
nlohmann::json findings_to_json(const std::vector<Finding>& findings);  // an array
// Fields that are missing or of the wrong type are left at their defaults.
Finding finding_from_json(const nlohmann::json& j);

}  // namespace sc
