#pragma once
// Runs one scenario end to end: ports, children, readiness, traffic, checks, teardown.
#include <functional>
#include <string>

#include "driver/driver.hpp"
#include "process/child_process.hpp"
#include "report/report.hpp"
#include "scenario/scenario.hpp"

namespace sc {

struct RunContext {
  ProcessLauncher* launcher = nullptr;
  std::string self_exe;     // this binary, started again as backend and balancer
  std::string runtime_root; // where the private runtime directory is made (e.g. /tmp)
  bool keep_runtime = false;
  // Under CI a proxy that is not installed is an error; otherwise its scenarios are skipped
  // with the install hint (a developer without nginx can still run the rest).
  bool ci = false;
  int wake_fd = -1;                       // readable on Ctrl-C
  std::function<bool()> interrupted;      // true once the user asked to stop
  std::function<void(const std::string&)> status;  // progress lines
  std::function<void(const DriverProgress&)> progress;  // the traffic's counts, as it runs
};

ScenarioReport run_scenario(const Scenario& scenario, const RunContext& ctx);

}  // namespace sc
