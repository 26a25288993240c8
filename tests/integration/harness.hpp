#pragma once
// Runs the real stickycheck binary as a child with a deadline, capturing its output.
#include <chrono>
#include <cstdint>
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
  // `env`: "NAME=value" sets, "NAME" removes, on top of the test's own environment.
  explicit CliProcess(std::vector<std::string> args, std::vector<std::string> env = {});
  ~CliProcess();  // kills the process (and its group) if it still runs
  int pid() const { return pid_; }
  // Waits for the exit, killing the process at the deadline.
  CliResult wait(std::chrono::milliseconds deadline = std::chrono::seconds(60));

 private:
  int pid_ = -1;
  std::string out_path_, err_path_;
};

CliResult run_cli(std::vector<std::string> args,
                  std::chrono::milliseconds deadline = std::chrono::seconds(60),
                  std::vector<std::string> env = {});

// One HTTP/1.1 GET on a fresh connection to 127.0.0.1:port, each cookie its own Cookie header.
struct HttpAnswer {
  int status = 0;  // 0: no answer (connection refused or reset)
  std::string backend;  // X-Stickycheck-Backend
  std::vector<std::string> set_cookies;
  std::string body;
};
HttpAnswer http_get(std::uint16_t port, const std::string& target,
                    const std::vector<std::string>& cookies = {});
inline HttpAnswer http_get(std::uint16_t port, const std::string& target,
                           const std::string& cookie) {
  return http_get(port, target, std::vector<std::string>{cookie});
}

// Direct children of `pid`, read from /proc.
std::vector<int> children_of(int pid);
bool process_exists(int pid);  // a zombie counts as gone
bool wait_until(const std::function<bool()>& cond, std::chrono::milliseconds timeout);
std::string read_file(const std::string& path);
std::string source_path(const std::string& relative);
std::string temp_path(const std::string& name);

}  // namespace sc::test
