#pragma once
// What `run` and `probe` check before their first request: every scenario's records must fit
// in the memory this machine (or $STICKYCHECK_MEMORY_LIMIT) gives, or it is refused plainly,
// saying what would fit (runner/memory_estimate.hpp).
#include <functional>
#include <string>
#include <vector>

#include "scenario/scenario.hpp"

namespace sc::cli {

// False, each refusal printed on stderr, when a scenario cannot fit or the limit variable is
// malformed; true when all fit, or when the available memory cannot be read. `shown` turns a
// located refusal ("FILE:LINE:COL: traffic.sessions: ...") into the line printed.
bool fits_in_memory(
    const std::vector<Scenario>& scenarios, const char* command,
    const std::function<std::string(const std::string&)>& shown = [](const std::string& line) {
      return line;
    });

}  // namespace sc::cli
