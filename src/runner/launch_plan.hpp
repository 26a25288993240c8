#pragma once
// Which processes a scenario needs, with their command lines: a pure function of the
// scenario, the ports and the paths, so it is tested without starting anything.
#include <cstdint>
#include <string>
#include <vector>

#include "process/child_process.hpp"
#include "scenario/scenario.hpp"

namespace sc {

struct PlannedChild {
  ChildSpec spec;
  std::uint16_t port = 0;
  bool start = true;  // false: started later by an `add` disturbance
};

struct LaunchPlan {
  std::vector<PlannedChild> backends;
  PlannedChild proxy;
  std::string proxy_url;  // where the driver sends traffic
  // A real proxy: where its rendered configuration goes, and how to install it.
  std::string proxy_config;
  std::string install_hint;
};

// Needs one port per backend plus one for the proxy.
LaunchPlan make_launch_plan(const Scenario& s, const std::string& self_exe,
                            const std::string& runtime_dir,
                            const std::vector<std::uint16_t>& ports);

}  // namespace sc
