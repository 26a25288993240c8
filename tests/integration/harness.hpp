#pragma once
// Runs the real stickycheck binary as a child with a deadline, capturing its output.
#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace sc::test {

struct CliResult {
  int exit_code = -1;  // -1: killed at the deadline
  std::string out;
  std::string err;
};

class CliProcess {
 public:
  explicit CliProcess(std::vector<std::string> args);
  ~CliProcess();  // kills the process (and its group) if it still runs
  int pid() const { return pid_; }
  // Waits for the exit, killing the process at the deadline.
  CliResult wait(std::chrono::milliseconds deadline = std::chrono::seconds(60));

 private:
  int pid_ = -1;
  std::string out_path_, err_path_;
};

CliResult run_cli(std::vector<std::string> args,
                  std::chrono::milliseconds deadline = std::chrono::seconds(60));

// Direct children of `pid`, read from /proc.
std::vector<int> children_of(int pid);
bool process_exists(int pid);  // a zombie counts as gone
bool wait_until(const std::function<bool()>& cond, std::chrono::milliseconds timeout);
std::string read_file(const std::string& path);
std::string source_path(const std::string& relative);
std::string temp_path(const std::string& name);

}  // namespace sc::test
