#pragma once
// The report model: the one source of truth that JSON (and later HTML, JUnit) render.
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "checks/checks.hpp"
#include "checks/metrics.hpp"
#include "scenario/scenario.hpp"

namespace sc {

inline constexpr int kReportSchemaVersion = 1;

// kSkipped: the proxy under test is not installed and the run is not under CI.
enum class ScenarioVerdict { kPass, kFail, kError, kSkipped };
const char* to_string(ScenarioVerdict v);

struct ChildLog {
  std::string name;
  std::string tail;  // the last lines the child wrote to stdout/stderr
};

struct ScenarioReport {
  Scenario scenario;
  ScenarioVerdict verdict = ScenarioVerdict::kError;
  std::string error;  // why the scenario could not run (verdict error) or was skipped
  Metrics metrics;
  Evaluation evaluation;
  std::vector<FiredDisturbance> disturbances;  // as scheduled, with when each fired
  std::vector<FailoverFigures> failover;       // per fired disruptive (or add) disturbance
  std::vector<ChildLog> logs;  // kept when the scenario did not pass
  double duration_s = 0;
};

struct Report {
  std::string tool_version = STICKYCHECK_VERSION;
  std::string started_at;  // UTC, ISO 8601
  bool interrupted = false;
  std::vector<ScenarioReport> scenarios;
};

nlohmann::json to_json(const Report& report);

// The process exit code the report stands for (see checks/verdict.hpp).
int exit_code_for(const Report& report);

}  // namespace sc
