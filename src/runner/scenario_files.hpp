#pragma once
#include <string>
#include <vector>

#include "util/result.hpp"

namespace sc {

// Expands the command line's scenario arguments: files as given, directories into their
// *.yaml, *.yml and *.json files in name order. A missing path is an error naming it.
Result<std::vector<std::string>> expand_scenario_paths(const std::vector<std::string>& args);

}  // namespace sc
