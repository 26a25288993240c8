#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "scenario/scenario.hpp"
#include "util/result.hpp"

namespace sc {

// Expands the command line's scenario arguments: files as given, directories into their
// *.yaml and *.yml files in name order. A missing path is an error naming it.
Result<std::vector<std::string>> expand_scenario_paths(const std::vector<std::string>& args);

// A scenario ready to run: parsed (scenario/scenario_parser.hpp), then resolved
// (runner/scenario_resolve.hpp). Errors are located, one per line.
Result<Scenario> load_scenario_text(std::string_view text, const std::string& file_name);
Result<Scenario> load_scenario_file(const std::string& path);

}  // namespace sc
