#pragma once
// A SIGKILLed stickycheck runs no teardown, and PR_SET_PDEATHSIG reaches only its direct
// children (Apache drops it when it changes to its `User`; nginx's and a shell's children never
// had it). So each run records the process group of every child it starts in a file of its
// own in a per-user state directory, and the next run reaps the groups of a run whose owner
// is gone, saying so. Start times (from /proc) keep a recycled pid from being taken for ours.
#include <memory>
#include <string>
#include <vector>

#include "process/child_process.hpp"
#include "util/result.hpp"

namespace sc {

// $XDG_RUNTIME_DIR/stickycheck, else /tmp/stickycheck-UID: created 0700 when missing, and
// refused when it is not a directory owned by this user (another user could plant files).
Result<std::string> state_directory();

// This run's file in the state directory (run-PID.groups), removed when it goes away.
class RunRegistry {
 public:
  static Result<std::unique_ptr<RunRegistry>> create(const std::string& dir);
  ~RunRegistry();
  RunRegistry(const RunRegistry&) = delete;
  RunRegistry& operator=(const RunRegistry&) = delete;
  // The group led by `pid` (a child that leads its own), with its start time.
  void record(int pid, const std::string& name);
  // That group is empty: its id may be given to someone else's group from now on.
  void forget(int pid);

 private:
  RunRegistry(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  void append(std::string line);
  int fd_;
  std::string path_;
};

// One group of an earlier run that was killed here.
struct ReapedGroup {
  std::string name;  // the child's name, e.g. "proxy (apache)"
  int pgid = 0;
  int owner_pid = 0;          // the stickycheck that started it
  std::size_t processes = 0;  // how many were still running
};

// Kills (SIGKILL) what the runs recorded in `dir` left behind, once their owner is gone, and
// removes their files. Waits, bounded, until the killed processes are gone.
std::vector<ReapedGroup> reap_leftovers(const std::string& dir);
// "stopped 3 processes of proxy (apache) (process group 1234), left running by stickycheck
// pid 999, which was killed before it could stop them".
std::string describe(const ReapedGroup& g);

// Launches through `inner` and records each child's group in `registry`, and forgets it once
// the child is seen (group_alive) or left (destroyed) with its group empty.
class RegisteringLauncher : public ProcessLauncher {
 public:
  RegisteringLauncher(ProcessLauncher& inner, RunRegistry& registry)
      : inner_(inner), registry_(registry) {}
  Result<std::unique_ptr<ChildProcess>> launch(const ChildSpec& spec) override;

 private:
  ProcessLauncher& inner_;
  RunRegistry& registry_;
};

}  // namespace sc
