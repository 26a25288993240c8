#include "cli/memory_guard.hpp"

#include <fmt/format.h>

#include "runner/memory_estimate.hpp"

namespace sc::cli {

bool fits_in_memory(const std::vector<Scenario>& scenarios, const char* command,
                    const std::function<std::string(const std::string&)>& shown) {
  const AvailableMemory available = available_memory();
  if (!available.error.empty()) {
    fmt::print(stderr, "stickycheck {}: {}\n", command, available.error);
    return false;
  }
  if (!available.bytes) return true;  // nothing to compare with: the run's own guard remains
  bool fits = true;
  for (const auto& s : scenarios) {
    if (auto why = check_memory(s, *available.bytes); !why.empty()) {
      fmt::print(stderr, "{}\n", shown(why));
      fits = false;
    }
  }
  return fits;
}

}  // namespace sc::cli
