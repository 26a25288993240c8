#include <nlohmann/json.hpp>

#include "checks/verdict.hpp"
#include "report/json_parts.hpp"
#include "report/matrix.hpp"
#include "report/report.hpp"

#include "lint/lint_json.hpp"

namespace sc {

const char* to_string(ScenarioVerdict v) {
  switch (v) {
    case ScenarioVerdict::kPass: return "pass";
    case ScenarioVerdict::kFail: return "fail";
    case ScenarioVerdict::kError: return "error";
    case ScenarioVerdict::kSkipped:
      return "skipped";
    case ScenarioVerdict::kInconclusive:
      return "inconclusive";
  }
  return "?";
}

namespace {

// {"200": 1990, "302": 10}: answers by HTTP status.
nlohmann::json statuses_json(const std::vector<std::pair<int, long long>>& statuses) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [status, count] : statuses) out[std::to_string(status)] = count;
  return out;
}

nlohmann::json transports_json(SocketIoTransports t) {
  auto out = nlohmann::json::array();
  if (t.polling) out.push_back("polling");
  if (t.websocket) out.push_back("websocket");
  return out;
}

nlohmann::json steps_json(const Metrics& m) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& s : m.steps)
    out.push_back({{"name", s.name},
                   {"requests", s.requests},
                   {"errors", s.errors},
                   {"session_losses", s.session_losses},
                   {"moves", s.moves},
                   {"top_error", s.top_error}});
  return out;
}

nlohmann::json metrics_json(const Metrics& m) {
  nlohmann::json backends = nlohmann::json::object();
  for (const auto& [name, f] : m.backends)
    backends[name] = {{"requests", f.requests},
                      {"first_requests", f.first_requests},
                      {"statuses", statuses_json(f.statuses)}};
  return {
      {"sessions", m.sessions},
      {"cookieless_sessions", m.cookieless_sessions},
      {"cookieless_requests", m.cookieless_requests},
      {"left_out_sessions", m.left_out_sessions},
      {"left_out_requests", m.left_out_requests},
      {"requests", m.requests},
      {"errors", m.errors},
      {"transport_errors", m.transport_errors},
      {"top_transport_error",
       {{"text", m.top_transport_error}, {"requests", m.top_transport_error_count}}},
      {"server_errors", m.server_errors},
      {"step_failures", m.step_failures},
      {"unjudged_requests", m.unjudged_requests},
      {"sessions_not_begun", m.sessions_not_begun},
      {"steps", steps_json(m)},
      {"statuses", statuses_json(m.statuses)},
      {"answers_without_backend", m.answers_without_backend},
      {"statuses_without_backend", statuses_json(m.statuses_without_backend)},
      {"sticky_sessions", m.sticky_sessions},
      {"sticky_share", m.sticky_share()},
      {"first_backend_share", m.first_backend_share()},
      {"session_losses", m.session_losses},
      {"session_expiries", m.session_expiries},
      {"backend_switches", m.backend_switches},
      {"max_session_switches", m.max_session_switches},
      {"sessions_moved_after_first_only", m.sessions_moved_after_first_only},
      {"latency_p50_us", m.latency_p50_us},
      {"latency_p99_us", m.latency_p99_us},
      {"sticky_cookie",
       {{"requests_carrying", m.requests_with_sticky_cookie},
        {"distinct_values", m.distinct_sticky_values},
        {"values_with_separator", m.sticky_values_with_separator},
        {"examples", m.sticky_value_examples}}},
      {"backends", backends},
  };
}

nlohmann::json metrics_with_extras(const Metrics& m) {
  auto j = metrics_json(m);
  add_metrics_extras(m, j);
  return j;
}

nlohmann::json disturbances_json(const ScenarioReport& r) {
  nlohmann::json out = nlohmann::json::array();
  for (std::size_t i = 0; i < r.disturbances.size(); ++i) {
    const auto& d = r.disturbances[i];
    nlohmann::json j = {{"action", to_string(d.spec.action)},
                        {"backend", d.spec.backend},
                        {"at", d.spec.at_text},
                        {"fired", d.at_us >= 0},
                        {"fired_at_us", d.at_us},
                        {"began_at_us", d.began_us},
                        {"requests_done", d.requests_done}};
    if (!d.error.empty()) j["error"] = d.error;
    for (const auto& f : r.failover) {
      if (f.disturbance != i) continue;
      j["sessions"] = {{"bound", f.bound_sessions},
                       {"requests_after", f.requests_after},
                       {"served_by_disturbed", f.served_by_disturbed},
                       {"served_elsewhere", f.served_elsewhere},
                       {"errors", f.errors},
                       {"last_error_us", f.last_error_us},
                       {"lost", f.lost},
                       {"in_flight_failed", f.in_flight_failed},
                       {"moved", f.sessions_moved},
                       {"recovered", f.sessions_recovered},
                       {"never_served_again", f.sessions_failed},
                       {"recovery_p50_us", f.recovery_p50_us},
                       {"recovery_max_us", f.recovery_max_us},
                       {"collateral", f.collateral_sessions},
                       {"new_on_disturbed", f.new_sessions_on_disturbed}};
    }
    out.push_back(j);
  }
  return out;
}

nlohmann::json scenario_json(const ScenarioReport& r) {
  const auto& s = r.scenario;
  nlohmann::json checks = nlohmann::json::array();
  for (const auto& c : r.evaluation.checks)
    checks.push_back({{"id", c.id},
                      {"verdict", to_string(c.verdict)},
                      {"observed", c.count ? nlohmann::json(static_cast<long long>(c.observed))
                                           : nlohmann::json(c.observed)},
                      {"expected", c.expected},
                      {"explanation", c.explanation}});
  const auto& chi = r.evaluation.distribution;
  nlohmann::json j = {
      {"name", s.name},
      {"file", s.file},
      {"description", s.description},
      {"behaviour", s.behaviour},
      {"verdict", to_string(r.verdict)},
      {"duration_s", r.duration_s},
      {"client", r.client},
      {"timings",
       {{"startup_s", r.timings.startup_s},
        {"traffic_s", r.timings.traffic_s},
        {"checks_s", r.timings.checks_s},
        {"report_s", r.timings.report_s},
        {"teardown_s", r.timings.teardown_s},
        {"peak_rss_bytes", r.timings.peak_rss_bytes}}},
      {"proxy",
       {{"type", s.proxy.type},
        {"stickysession", s.proxy.stickysession},
        {"version", r.proxy_version},
        {"config_path", r.proxy_config_path},
        {"config_template", r.proxy_config_path},
        {"config_rendered", r.proxy_config_rendered},
        {"config_notes", r.proxy_config_notes},
        {"lint", findings_to_json(r.lint)},
        {"config", r.proxy_config}}},
      {"traffic",
       {{"sessions", s.traffic.sessions},
        {"requests_per_session", s.traffic.requests_per_session},
        {"concurrency", s.traffic.concurrency},
        {"threads", s.traffic.threads},
        {"cookieless_share", s.traffic.cookieless_share},
        {"connection", s.traffic.connection_per_request ? "per_request" : "keep_alive"},
        {"source_addresses", s.traffic.source_per_session ? "per_session" : "loopback"},
        {"seed", s.traffic.seed},
        {"path", s.traffic.path},
        {"host", s.traffic.host},
        // What one request (record) is: a page request, a socket.io acknowledged event (or
        // a refused upgrade), or a WebSocket message echoed.
        {"protocol", to_string(s.traffic.protocol)},
        {"socketio_path", s.traffic.socketio_path},
        {"transports", transports_json(s.traffic.transports)},
        {"websocket_path", s.traffic.websocket_path}}},
      {"metrics", metrics_with_extras(r.metrics)},
      {"statistics",
       {{"distribution",
         {{"test", "chi-square goodness of fit, first requests per backend vs weights"},
          {"applicable", chi.applicable},
          {"reason", chi.reason},
          {"n", chi.n},
          {"df", chi.df},
          {"statistic", chi.statistic},
          {"p_value", chi.p_value},
          {"min_expected", chi.min_expected},
          {"alpha", s.expect.alpha}}}}},
      {"checks", checks},
      {"diagnosis", r.evaluation.diagnosis},
      {"disturbances", disturbances_json(r)},
      {"charts", charts_to_json(r.charts)},
      {"cookies", cookies_to_json(r.cookies)},
  };
  if (!r.error.empty()) j["error"] = r.error;
  j["partial"] = r.partial;
  j["shard"] = shard_to_json(r);
  if (r.probe)
    j["probe"] = {{"url", r.probe->url},
                  {"identified_by", r.probe->identified_by},
                  {"confidence", r.probe->confidence},
                  {"reason", r.probe->reason},
                  {"facts", r.probe->facts},
                  {"loss_signal", r.probe->loss_signal}};
  if (!r.logs.empty()) {
    auto& logs = j["logs"] = nlohmann::json::array();
    for (const auto& l : r.logs) logs.push_back({{"name", l.name}, {"tail", l.tail}});
  }
  return j;
}

nlohmann::json matrix_json(const Report& report) {
  const auto m = build_matrix(report);
  nlohmann::json rows = nlohmann::json::array();
  for (std::size_t r = 0; r < m.behaviours.size(); ++r) {
    nlohmann::json cells = nlohmann::json::object();
    for (std::size_t c = 0; c < m.proxies.size(); ++c)
      if (const auto& cell = m.cells[r][c])
        cells[m.proxies[c]] = {{"verdict", to_string(cell->verdict)},
                               {"observed", cell->observed},
                               {"scenario", cell->scenario}};
    rows.push_back({{"behaviour", m.behaviours[r]}, {"cells", cells}});
  }
  return {{"proxies", m.proxies}, {"rows", rows}};
}

// The run at a glance: its verdict as the exit code has it, and how many scenarios had each.
nlohmann::json summary_json(const Report& report) {
  const auto n = count_verdicts(report);
  const char* verdict = report.interrupted ? "interrupted"
                        : n.error          ? "error"
                        : n.fail           ? "fail"
                        : n.inconclusive   ? "inconclusive"
                                           : "pass";
  return {{"verdict", verdict},  {"scenarios", static_cast<long long>(report.scenarios.size())},
          {"passed", n.pass},    {"failed", n.fail},
          {"errored", n.error},  {"skipped", n.skipped},
          {"inconclusive", n.inconclusive}};
}

}  // namespace

nlohmann::json to_json(const Report& report) {
  nlohmann::json scenarios = nlohmann::json::array();
  for (const auto& s : report.scenarios) scenarios.push_back(scenario_json(s));
  return {{"schema_version", kReportSchemaVersion},
          {"tool", "stickycheck"},
          {"tool_version", report.tool_version},
          {"started_at", report.started_at},
          {"interrupted", report.interrupted},
          {"command_line", report.command_line},
          {"merged_from", report.merged_from},
          {"exit_code", exit_code_for(report)},
          {"summary", summary_json(report)},
          {"scenarios", scenarios},
          {"matrix", matrix_json(report)}};
}

VerdictCounts count_verdicts(const Report& report) {
  VerdictCounts n;
  for (const auto& s : report.scenarios) switch (s.verdict) {
      case ScenarioVerdict::kPass: ++n.pass; break;
      case ScenarioVerdict::kFail: ++n.fail; break;
      case ScenarioVerdict::kError: ++n.error; break;
      case ScenarioVerdict::kSkipped: ++n.skipped; break;
      case ScenarioVerdict::kInconclusive: ++n.inconclusive; break;
    }
  return n;
}

int exit_code_for(const Report& report) {
  if (report.interrupted) return kExitInterrupted;
  const auto n = count_verdicts(report);
  if (n.error) return kExitCannotRun;
  // A failure is a finding; an undecided check without one is the tool's "cannot tell" (3).
  return n.fail ? kExitCheckFailed : n.inconclusive ? kExitCannotRun : kExitOk;
}

}  // namespace sc
