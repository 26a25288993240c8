#pragma once
// The side effect of spawning processes, behind an interface so the runner's life-cycle
// logic (start, watch, tear down) is tested with a fake.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace sc {

struct ChildSpec {
  std::string name;  // how messages refer to it, e.g. "backend www1"
  std::string exe;
  std::vector<std::string> args;
  std::string log_path;  // stdout and stderr go here (appended), unless set apart below
  // Set apart, for a caller that reads them separately (the tests read a CLI's stdout and
  // stderr). Empty: log_path.
  std::string stdout_path;
  std::string stderr_path;
  // "NAME=value" set in the child on top of stickycheck's own environment (Caddy's config
  // and data directories, kept inside the run's runtime directory); a bare "NAME" removes
  // that variable (a test runs the CLI without CI).
  std::vector<std::string> env;
};

class ChildProcess {
 public:
  virtual ~ChildProcess() = default;
  virtual int pid() const = 0;
  // Non-blocking: the raw wait status once the child has exited (and been reaped).
  virtual std::optional<int> poll_exit() = 0;
  virtual void send_signal(int signal) = 0;
  // To the child's whole process group (it leads its own): whatever it started goes too.
  virtual void signal_group(int signal) = 0;
  // Whether any process of the child's group still runs (zombies do not count), its leader
  // included: an nginx or Apache worker, a shell's grandchild, outlive their leader.
  virtual bool group_alive() = 0;
};

class ProcessLauncher {
 public:
  virtual ~ProcessLauncher() = default;
  virtual Result<std::unique_ptr<ChildProcess>> launch(const ChildSpec& spec) = 0;
};

// Real processes through Boost.Process v2. Each child gets its own process group (a terminal's
// Ctrl-C reaches only stickycheck, which tears down in order; teardown signals the group) and
// PR_SET_PDEATHSIG=SIGKILL. That signal reaches only the child itself: what it started
// outlives a SIGKILLed stickycheck until the next run reaps it (process/run_registry.hpp).
std::unique_ptr<ProcessLauncher> make_process_launcher();

// "exited with status 3" / "was killed by signal 9 (Killed)".
std::string describe_wait_status(int status);

}  // namespace sc
