#pragma once
// Reads a scenario from YAML (or JSON, which YAML accepts). Every error names the file,
// line, column and key and says what was expected: "file:line:col: key: message".
#include <string>
#include <string_view>

#include "scenario/scenario.hpp"
#include "util/result.hpp"

namespace sc {

// All errors found, one per line, in file order. Pure: reads no file (not even the ones the
// scenario names: runner/scenario_resolve.hpp does that next).
Result<Scenario> parse_scenario_text(std::string_view text, const std::string& file_name);

}  // namespace sc
