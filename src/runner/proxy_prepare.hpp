#pragma once
// Readies the proxy of a launch plan before anything starts: renders its configuration
// template and command line for this run's ports, and finds its executable. A failure here
// leaves nothing behind.
#include <string>

#include "runner/launch_plan.hpp"
#include "scenario/scenario.hpp"

namespace sc {

struct Prepared {
  std::string error;     // empty: ready to start
  bool missing = false;  // the proxy's executable is not installed
};

Prepared prepare_proxy(const Scenario& s, const std::string& self_exe,
                       const std::string& runtime_dir, LaunchPlan& plan);

// PATH, then the sbin directories a non-root PATH often lacks (apache2, nginx live there).
// Empty when not found.
std::string find_in_path(const std::string& exe);

}  // namespace sc
