#pragma once
// The report model: the one source of truth that JSON (and later HTML, JUnit) render.
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "checks/checks.hpp"
#include "checks/metrics.hpp"
#include "checks/probe_judgement.hpp"
#include "checks/timeline.hpp"
#include "proxies/lint_finding.hpp"
#include "scenario/scenario.hpp"
#include "util/result.hpp"

namespace sc {

// 3: what a merge of shards needs (the shard, the fingerprint, the latency histogram, the
// evidence the causes were found in).
inline constexpr int kReportSchemaVersion = 3;

// kSkipped: the proxy under test is not installed and the run is not under CI.
// Inconclusive: no check failed, but one could not be decided from the evidence (exit 3).
enum class ScenarioVerdict { kPass, kFail, kError, kSkipped, kInconclusive };
const char* to_string(ScenarioVerdict v);

struct ChildLog {
  std::string name;
  std::string tail;  // the last lines the child wrote to stdout/stderr
};

// A cookie the proxy or the backends set, as the clients saw it.
struct CookieObservation {
  std::string name;
  std::string attributes;             // as set: "Path=/; HttpOnly"
  std::vector<std::string> examples;  // a few distinct values
  long long responses = 0;            // responses that set it (a Set-Cookie of that name)
  bool identified_backend = false;    // its value named the backend that answered
};

// What a probe found out about a deployment it did not start: how the backends were told
// apart, and how sure that is.
struct ProbeSummary {
  std::string url;
  std::string identified_by;  // "cookie:ROUTEID (Apache route)", "json:/backend (as told)", "none"
  std::string confidence;     // high | medium | none
  std::string reason;         // one sentence
  std::vector<std::string> facts;  // what automatic recognition saw in the cookies
  // How a lost session would show (a re-issued session cookie, --lost-when), and whether one
  // made-up session id showed that it does; "" for a report written before it was said.
  std::string loss_signal;
};

// Where a scenario's time went, in seconds, and what memory the stickycheck process had used
// by its end. A phase that did not run is 0.
struct Timings {
  double startup_s = 0;   // ports, runtime directory, proxy configuration, children ready
  double traffic_s = 0;   // the driver's run, disturbances included
  double checks_s = 0;    // figures, checks and diagnosis over the records
  double report_s = 0;    // the rest of the report model (cookies, proxy version and config)
  double teardown_s = 0;  // children stopped, runtime directory removed
  long long peak_rss_bytes = 0;  // this process' peak resident memory so far (VmHWM)
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
  Timings timings;
  std::string client;  // which HTTP client carried the traffic: "lean", "libcurl", "" (none ran)
  ChartFigures charts;  // what the HTML report draws (schema version 2 on)
  std::vector<CookieObservation> cookies;
  std::string proxy_version;      // as the proxy reported it; empty when not asked
  std::string proxy_config_path;  // the configuration the proxy ran with, as rendered
  std::string proxy_config;       // its text, when it could still be read
  // What stickycheck changed or added to run the configuration alone ("FILE:LINE: ..."), and
  // where its rendered text was saved beside the report (empty: not saved).
  std::vector<std::string> proxy_config_notes;
  std::string proxy_config_rendered;
  // What `stickycheck lint` finds in the scenario's own proxy configuration, linted before the
  // run (the verdict is the traffic's; these say what to look at).
  std::vector<Finding> lint;
  std::optional<ProbeSummary> probe;  // a probe (target:) only
  // The run was interrupted: the checks judged only the requests that completed.
  bool partial = false;

  // What a merge of shards reads besides the figures (schema version 3 on).
  std::string fingerprint;  // scenario_fingerprint(): the same for every shard of one test
  std::int64_t started_unix_us = 0;  // the traffic's time 0, wall clock: timelines align on it
  RunEvidence evidence;              // what the causes were checked against
  // Causes found outside the figures (what a probe saw of the cookies and answers over time).
  std::vector<std::string> outside_causes;
  std::optional<ProbeJudgement> judgement;  // a probe's: what its verdict could claim
};

struct Report {
  std::string tool_version = STICKYCHECK_VERSION;
  std::string started_at;  // UTC, ISO 8601
  bool interrupted = false;
  std::vector<std::string> command_line;      // the stickycheck invocation that ran it
  int schema_version = kReportSchemaVersion;  // of the JSON it was read from, if read
  // The shards' reports `stickycheck merge` joined into this one, in shard order (empty: one
  // run wrote it).
  std::vector<std::string> merged_from;
  std::vector<ScenarioReport> scenarios;
};

nlohmann::json to_json(const Report& report);
// A saved report back into the model: schema version 2, or 1 (without what it lacks).
Result<Report> report_from_json(const nlohmann::json& j);

// How many scenarios had each verdict: one tally for the JSON summary, the terminal and the
// HTML banner.
struct VerdictCounts {
  long long pass = 0, fail = 0, error = 0, skipped = 0, inconclusive = 0;
};
VerdictCounts count_verdicts(const Report& report);

// The process exit code the report stands for (see checks/verdict.hpp).
int exit_code_for(const Report& report);

}  // namespace sc
