#pragma once
// Readies the proxy of a launch plan before anything starts: renders its configuration
// template and command line for this run's ports, finds its executable, and adapts the
// rendered configuration for a standalone run (proxies/config_adapt.hpp). A failure here
// leaves nothing behind.
#include <string>
#include <vector>

#include "runner/launch_plan.hpp"
#include "scenario/scenario.hpp"

namespace sc {

struct Prepared {
  std::string error;     // empty: ready to start
  bool missing = false;  // the proxy's executable is not installed
  std::vector<std::string> notes;  // what the adaptation changed or added, "FILE:LINE: ..."
  // The adapted file's line N is the user's line N - lines_before, when keeps_lines.
  std::size_t lines_before = 0;
  bool keeps_lines = false;
  std::vector<std::pair<std::string, std::size_t>> origins{};  // per user line, when spliced
};

// `launcher` asks Apache which modules it has compiled in (`apache2 -l`).
Prepared prepare_proxy(const Scenario& s, const std::string& self_exe,
                       const std::string& runtime_dir, LaunchPlan& plan,
                       ProcessLauncher& launcher);

// PATH, then the sbin directories a non-root PATH often lacks (apache2, nginx live there).
// Empty when not found.
std::string find_in_path(const std::string& exe);

}  // namespace sc
