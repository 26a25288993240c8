#pragma once
// One run per report file: before a run starts, it takes an exclusive lock for each report
// path it will write (--json, --html, --junit), held until it exits. A second run aimed at the
// same file (two CI jobs in one folder, the default stickycheck-report.json) is refused before
// anything starts, naming the run that holds it, instead of overwriting its report unnoticed.
// The locks live in the state directory (keyed by the report's absolute path): nothing is
// left beside the reports.
#include <string>
#include <vector>

#include "util/result.hpp"

namespace sc::cli {

class OutputLocks {
 public:
  OutputLocks() = default;
  OutputLocks(const OutputLocks&) = delete;
  OutputLocks& operator=(const OutputLocks&) = delete;
  OutputLocks(OutputLocks&& other) noexcept : fds_(std::move(other.fds_)) { other.fds_.clear(); }
  ~OutputLocks();

  // Locks `path` (empty: nothing) in `lock_dir`; an error names the option, the path and the
  // process holding it.
  Status lock(const std::string& option, const std::string& path, const std::string& lock_dir);

 private:
  std::vector<int> fds_;
};

}  // namespace sc::cli
