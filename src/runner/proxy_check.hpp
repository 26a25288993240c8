#pragma once
// Before anything starts: the proxy's own checker (apache2 -t, haproxy -c, nginx -t, caddy
// validate) on the configuration exactly as a run renders and adapts it; and the line of a
// proxy's output that says what went wrong.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "process/child_process.hpp"
#include "scenario/scenario.hpp"
#include "util/result.hpp"

namespace sc {

// The first line of a proxy's output that reports an error, not a summary of it (Apache's
// "AH02291: Cannot access directory ..." rather than "AH00014: Configuration check failed"),
// with the next line when it ends in ':' ("Syntax error on line 3 of F:" + its reason).
// Else the last line that is not a notice; "" for no output.
std::string first_error_line(std::string_view output);

// Where the adapted file's lines came from: the user's file shifted by lines_before, or, when
// included files were spliced in, origins (file, line) for each line after those.
struct UserLines {
  std::string file;
  std::size_t lines_before = 0;
  std::vector<std::pair<std::string, std::size_t>> origins;
};
// `text` with each mention of an adapted line (nginx's "in ADAPTED:12", Apache's "on line 12
// of ADAPTED") naming the user's file and line instead. Lines stickycheck added stay as they
// are.
std::string at_user_lines(std::string_view text, const std::string& adapted,
                          const UserLines& user);

struct CommandOutput {
  int status = 0;    // the raw wait status
  std::string text;  // stdout and stderr
};
// Runs exe to its end (killed at the deadline: nullopt), its output in log_path.
std::optional<CommandOutput> run_for_output(ProcessLauncher& launcher, const ChildSpec& spec,
                                            std::chrono::milliseconds timeout);

struct ProxyCheckContext {
  ProcessLauncher* launcher = nullptr;
  std::string self_exe;
  std::string runtime_root;  // a scratch directory is made (and removed) under it
};

// For a real proxy that is installed: its configuration prepared as a run would, then its
// checker. The error names the template and quotes the checker; the rendered file is kept for
// the user to read. Anything else passes (a missing proxy is the run's to report).
Status check_proxy_config(const Scenario& s, const ProxyCheckContext& ctx);

}  // namespace sc
