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
  PlannedChild proxy;     // proxy.start is false for an external proxy
  std::string proxy_url;  // where the driver sends traffic
  // Set when the configuration is prepared: a site served over TLS is driven over https with
  // the run's throw-away certificate trusted; a site that names itself (server_name...) is
  // asked for by that name when the scenario names no traffic.host.
  std::string proxy_cacert;
  std::string site_host;
  std::string site_path;  // the path the configuration proxies, when traffic.path is not given
  // Where proxy.config's rendering goes (empty: no template), and how to install the
  // proxy's executable when it is missing (empty: stickycheck itself, or a user command).
  std::string proxy_config;
  std::string install_hint;
  // A `command` proxy: exe and args are rendered from the scenario's command line at start
  // (see runner/proxy_prepare.hpp).
  bool render_command = false;
};

// Needs one port per backend plus one for the proxy.
LaunchPlan make_launch_plan(const Scenario& s, const std::string& self_exe,
                            const std::string& runtime_dir,
                            const std::vector<std::uint16_t>& ports);

}  // namespace sc
