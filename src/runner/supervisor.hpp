#pragma once
// Owns the children of one scenario: starts them, notices an early death, and tears them all
// down (SIGTERM, a grace period, then SIGKILL, each to the child's whole process group) on
// every path, its destructor included.
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
  // Disturbances: sends `signal` to the running child named `name`. With `expect_exit`, its
  // exit is no longer a failure (check_exited passes over it).
  Status signal(const std::string& name, int signal, bool expect_exit = false);
  // SIGKILL to its process group, and reaped before it returns: the child is gone, its
  // sockets closed.
  Status kill(const std::string& name);
  // kill(), then started again from the same spec (its log continues).
  Status restart(const std::string& name);
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
    bool exit_expected = false;
    bool group_gone = false;  // no process of its group runs any more
  };
  // After SIGKILL, how long a group member that this user cannot signal is waited for.
  static constexpr std::chrono::milliseconds kKilledGroupDeadline{2000};
  Entry* running(const std::string& name);
  bool groups_alive();
  // True once every child's group is empty; false when `limit` passed first.
  bool wait_groups_gone(std::chrono::milliseconds limit);
  ProcessLauncher& launcher_;
  Sleep sleep_;
  std::vector<Entry> children_;
  std::vector<ChildSpec> specs_;
};

}  // namespace sc
