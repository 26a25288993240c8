#pragma once
// Owns the children of one scenario: starts them, notices an early death, and tears them all
// down (SIGTERM, a grace period, then SIGKILL) on every path, its destructor included.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "process/child_process.hpp"

namespace sc {

class Supervisor {
 public:
  using Sleep = std::function<void(std::chrono::milliseconds)>;
  explicit Supervisor(ProcessLauncher& launcher, Sleep sleep = {});
  ~Supervisor();
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  Status start(const ChildSpec& spec);
  // The first child found to have exited while it should be running, described
  // ("backend www1 exited with status 3"), or nullopt when all are alive.
  std::optional<std::string> check_exited();
  bool is_running(const std::string& name);
  void stop_all(std::chrono::milliseconds grace = std::chrono::milliseconds(3000));
  // Pids of children not yet reaped (for tests and diagnostics).
  std::vector<int> live_pids();
  const std::vector<ChildSpec>& specs() const { return specs_; }

 private:
  struct Entry {
    ChildSpec spec;
    std::unique_ptr<ChildProcess> process;
    std::optional<int> status;
  };
  ProcessLauncher& launcher_;
  Sleep sleep_;
  std::vector<Entry> children_;
  std::vector<ChildSpec> specs_;
};

}  // namespace sc
