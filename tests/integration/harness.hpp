#pragma once
// Runs the real stickycheck binary (and other programs) as children with a deadline, capturing
// their output; checks reports against the schema; small helpers over /proc and HTTP.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "process/child_process.hpp"

namespace sc::test {

struct CliResult {
  int exit_code = -1;  // -1: killed at the deadline, or never started (err says why)
  std::string out;
  std::string err;
};

// A child of the test, started through src/process/ (the way stickycheck starts its own) in a
// process group of its own, stdin from /dev/null, stdout and stderr captured apart.
class TestProcess {
 public:
  // `env`: "NAME=value" sets, "NAME" removes, on top of the test's own environment.
  TestProcess(std::string exe, std::vector<std::string> args, std::vector<std::string> env = {});
  ~TestProcess();  // kills the process group if the process still runs
  TestProcess(const TestProcess&) = delete;
  TestProcess& operator=(const TestProcess&) = delete;
  int pid() const;  // -1: it could not be started
  // Waits for the exit, killing the whole process group at the deadline.
  CliResult wait(std::chrono::milliseconds deadline = std::chrono::seconds(60));
  // Asks it to end (SIGTERM) and waits for that up to `grace`, then kills it as wait() does.
  CliResult stop(std::chrono::milliseconds grace);
  std::string output_so_far() const;  // stdout, then stderr

 private:
  void kill_group_and_reap();
  std::unique_ptr<ProcessLauncher> launcher_;
  std::unique_ptr<ChildProcess> child_;
  std::optional<int> status_;  // the raw wait status once reaped
  std::string start_error_, out_path_, err_path_;
};

// The stickycheck binary under test: STICKYCHECK_TEST_BIN when set (scripts/test runs the
// sanitizer build's tests once more against the optimised binary of build/), else the one
// built beside these tests.
const std::string& stickycheck_bin();

// The real stickycheck binary.
class CliProcess : public TestProcess {
 public:
  explicit CliProcess(std::vector<std::string> args, std::vector<std::string> env = {})
      : TestProcess(stickycheck_bin(), std::move(args), std::move(env)) {}
};

CliResult run_cli(std::vector<std::string> args,
                  std::chrono::milliseconds deadline = std::chrono::seconds(60),
                  std::vector<std::string> env = {});

// Fails the current test, naming the report and quoting the validator, unless the JSON report
// at `path` matches reports/report.schema.json (tests/tools/validate_report.py).
void expect_valid_report(const std::string& path);

// The scenario of that name in a JSON report, and the check of that id in a scenario; each
// fails the test (and gives null, which throws at the next lookup) when there is none.
const nlohmann::json& find_scenario(const nlohmann::json& report, const std::string& name);
const nlohmann::json& find_check(const nlohmann::json& scenario, const std::string& id);

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
// The value of a field ("VmHWM", "Cpus_allowed_list") in a /proc/.../status file, blanks
// trimmed; empty when the file has no such field.
std::string status_field(const std::string& status_path, const std::string& name);
bool wait_until(const std::function<bool()>& cond, std::chrono::milliseconds timeout);
std::string read_file(const std::string& path);
// A raw HTTP answer's body (after the blank line) and its status line.
std::string body_of(const std::string& answer);
std::string status_of(const std::string& answer);
std::string source_path(const std::string& relative);
std::string temp_path(const std::string& name);

}  // namespace sc::test
