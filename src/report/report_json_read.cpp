// A saved JSON report back into the model, so that `stickycheck report` renders it with the
// same renderers as a live run. Schema version 1 reports lack the charts, the cookies and
// what ran; those parts stay empty and the renderers say so.
#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "report/json_parts.hpp"
#include "report/report.hpp"

#include "lint/lint_json.hpp"
#include "util/text.hpp"

namespace sc {

namespace {

using nlohmann::json;

std::optional<ScenarioVerdict> scenario_verdict(const std::string& s) {
  for (auto v : {ScenarioVerdict::kPass, ScenarioVerdict::kFail, ScenarioVerdict::kError,
                 ScenarioVerdict::kSkipped, ScenarioVerdict::kInconclusive})
    if (s == to_string(v)) return v;
  return std::nullopt;
}

Verdict check_verdict(const std::string& s) {
  for (auto v : {Verdict::kPass, Verdict::kFail, Verdict::kNotApplicable, Verdict::kInconclusive})
    if (s == to_string(v)) return v;
  return Verdict::kNotApplicable;
}

DisturbanceAction action_from(const std::string& s) {
  using A = DisturbanceAction;
  for (auto a :
       {A::kKill, A::kStop, A::kResume, A::kRestart, A::kAdd, A::kDrain, A::kDisable, A::kEnable})
    if (s == to_string(a)) return a;
  return A::kKill;
}

// {"200": 1990}: answers by HTTP status, ascending (keys that are not statuses are skipped).
std::vector<std::pair<int, long long>> statuses_from(const json& j) {
  std::vector<std::pair<int, long long>> out;
  if (!j.is_object()) return out;
  for (const auto& [key, count] : j.items()) {
    long long status = 0;
    if (parse_int(key, status) && status > 0 && status < 1000 && count.is_number_integer())
      out.push_back({static_cast<int>(status), count.get<long long>()});
  }
  std::sort(out.begin(), out.end());
  return out;
}

Metrics metrics_from(const json& j) {
  Metrics m;
  auto ll = [&](const char* key) { return value_or<long long>(j, key, 0); };
  m.sessions = ll("sessions");
  m.cookieless_sessions = ll("cookieless_sessions");
  m.cookieless_requests = ll("cookieless_requests");
  m.left_out_sessions = ll("left_out_sessions");
  m.left_out_requests = ll("left_out_requests");
  m.requests = ll("requests");
  m.errors = ll("errors");
  m.transport_errors = ll("transport_errors");
  const json top = value_or<json>(j, "top_transport_error", json::object());
  m.top_transport_error = value_or<std::string>(top, "text", "");
  m.top_transport_error_count = value_or<long long>(top, "requests", 0);
  m.server_errors = ll("server_errors");
  m.step_failures = ll("step_failures");
  m.unjudged_requests = ll("unjudged_requests");
  m.sessions_not_begun = ll("sessions_not_begun");
  for (const auto& s : value_or<json>(j, "steps", json::array()))
    m.steps.push_back({value_or<std::string>(s, "name", ""), value_or<long long>(s, "requests", 0),
                       value_or<long long>(s, "errors", 0),
                       value_or<long long>(s, "session_losses", 0),
                       value_or<long long>(s, "moves", 0),
                       value_or<std::string>(s, "top_error", ""),
                       {}});
  m.sticky_sessions = ll("sticky_sessions");
  m.session_losses = ll("session_losses");
  m.session_expiries = ll("session_expiries");
  m.backend_switches = ll("backend_switches");
  m.max_session_switches = ll("max_session_switches");
  m.sessions_moved_after_first_only = ll("sessions_moved_after_first_only");
  m.latency_p50_us = ll("latency_p50_us");
  m.latency_p99_us = ll("latency_p99_us");
  // Kept as the share the run reported (requests_on_first_backend is not in the JSON).
  m.requests_on_first_backend = static_cast<long long>(
      value_or<double>(j, "first_backend_share", 0) *
          double(m.requests - m.cookieless_requests - m.unjudged_requests) +
      0.5);
  const json cookie = value_or<json>(j, "sticky_cookie", json::object());
  m.requests_with_sticky_cookie = value_or<long long>(cookie, "requests_carrying", 0);
  m.distinct_sticky_values = value_or<long long>(cookie, "distinct_values", 0);
  m.sticky_values_with_separator = value_or<long long>(cookie, "values_with_separator", 0);
  m.sticky_value_examples = value_or<std::vector<std::string>>(cookie, "examples", {});
  // nlohmann keeps object keys sorted, so the configured order is lost; names sort instead.
  m.answers_without_backend = ll("answers_without_backend");
  m.statuses = statuses_from(value_or<json>(j, "statuses", json::object()));
  m.statuses_without_backend =
      statuses_from(value_or<json>(j, "statuses_without_backend", json::object()));
  const json backends = value_or<json>(j, "backends", json::object());
  for (const auto& [name, f] : backends.items())
    m.backends.push_back(
        {name,
         {value_or<long long>(f, "requests", 0), value_or<long long>(f, "first_requests", 0),
          statuses_from(value_or<json>(f, "statuses", json::object()))}});
  return m;
}

// The JSON object of backends sorts its keys; the spread keeps the configured order.
void order_like_spread(Metrics& m, const std::vector<SpreadRow>& spread) {
  auto rank = [&](const std::string& name) {
    for (std::size_t i = 0; i < spread.size(); ++i)
      if (spread[i].backend == name) return i;
    return spread.size();
  };
  std::stable_sort(m.backends.begin(), m.backends.end(),
                   [&](const auto& a, const auto& b) { return rank(a.first) < rank(b.first); });
}

Evaluation evaluation_from(const json& s) {
  Evaluation e;
  for (const auto& c : value_or<json>(s, "checks", json::array()))
    e.checks.push_back(
        {value_or<std::string>(c, "id", ""), check_verdict(value_or<std::string>(c, "verdict", "")),
         value_or<double>(c, "observed", 0), value_or<std::string>(c, "expected", ""),
         value_or<std::string>(c, "explanation", ""),
         c.contains("observed") && c["observed"].is_number_integer()});
  e.diagnosis = value_or<std::vector<std::string>>(s, "diagnosis", {});
  const json d = value_or<json>(value_or<json>(s, "statistics", {}), "distribution", {});
  auto& chi = e.distribution;
  chi.applicable = value_or<bool>(d, "applicable", false);
  chi.reason = value_or<std::string>(d, "reason", "");
  chi.n = value_or<long long>(d, "n", 0);
  chi.df = value_or<int>(d, "df", 0);
  chi.statistic = value_or<double>(d, "statistic", 0);
  chi.p_value = value_or<double>(d, "p_value", 1);
  chi.min_expected = value_or<double>(d, "min_expected", 0);
  return e;
}

FailoverFigures failover_from(std::size_t index, const std::string& backend, const json& j) {
  FailoverFigures f;
  f.disturbance = index;
  f.backend = backend;
  auto ll = [&](const char* key) { return value_or<long long>(j, key, 0); };
  f.bound_sessions = ll("bound");
  f.requests_after = ll("requests_after");
  f.served_by_disturbed = ll("served_by_disturbed");
  f.served_elsewhere = ll("served_elsewhere");
  f.errors = ll("errors");
  f.last_error_us = ll("last_error_us");
  f.lost = ll("lost");
  f.in_flight_failed = ll("in_flight_failed");
  f.sessions_moved = ll("moved");
  f.sessions_recovered = ll("recovered");
  f.sessions_failed = ll("never_served_again");
  f.recovery_p50_us = ll("recovery_p50_us");
  f.recovery_max_us = ll("recovery_max_us");
  f.collateral_sessions = ll("collateral");
  f.new_sessions_on_disturbed = ll("new_on_disturbed");
  return f;
}

void disturbances_from(const json& s, ScenarioReport& r) {
  for (const auto& d : value_or<json>(s, "disturbances", json::array())) {
    FiredDisturbance f;
    f.spec.action = action_from(value_or<std::string>(d, "action", ""));
    f.spec.backend = value_or<std::string>(d, "backend", "");
    f.spec.at_text = value_or<std::string>(d, "at", "");
    f.at_us = value_or<std::int64_t>(d, "fired_at_us", -1);
    f.began_us = value_or<std::int64_t>(d, "began_at_us", -1);
    f.requests_done = value_or<std::size_t>(d, "requests_done", 0);
    f.error = value_or<std::string>(d, "error", "");
    if (d.contains("sessions"))
      r.failover.push_back(failover_from(r.disturbances.size(), f.spec.backend, d["sessions"]));
    r.scenario.disturbances.push_back(f.spec);
    r.disturbances.push_back(std::move(f));
  }
}

void scenario_fields_from(const json& s, Scenario& sc) {
  sc.name = value_or<std::string>(s, "name", "");
  sc.file = value_or<std::string>(s, "file", "");
  sc.description = value_or<std::string>(s, "description", "");
  sc.behaviour = value_or<std::string>(s, "behaviour", "");
  const json proxy = value_or<json>(s, "proxy", json::object());
  sc.proxy.type = value_or<std::string>(proxy, "type", "");
  sc.proxy.stickysession = value_or<std::string>(proxy, "stickysession", "");
  const json t = value_or<json>(s, "traffic", json::object());
  sc.traffic.sessions = value_or<int>(t, "sessions", 0);
  sc.traffic.requests_per_session = value_or<int>(t, "requests_per_session", 0);
  sc.traffic.concurrency = value_or<int>(t, "concurrency", 0);
  sc.traffic.threads = value_or<int>(t, "threads", 0);
  sc.traffic.cookieless_share = value_or<double>(t, "cookieless_share", 0);
  sc.traffic.connection_per_request = value_or<std::string>(t, "connection", "") == "per_request";
  sc.traffic.source_per_session = value_or<std::string>(t, "source_addresses", "") == "per_session";
  sc.traffic.host = value_or<std::string>(t, "host", "");
  sc.traffic.path = value_or<std::string>(t, "path", sc.traffic.path);
  sc.traffic.seed = value_or<unsigned>(t, "seed", 0);
  sc.traffic.protocol = session_protocol_from(value_or<std::string>(t, "protocol", "http"));
  sc.traffic.socketio_path = value_or<std::string>(t, "socketio_path", sc.traffic.socketio_path);
  sc.traffic.websocket_path =
      value_or<std::string>(t, "websocket_path", sc.traffic.websocket_path);
  if (const auto tr = value_or<json>(t, "transports", {}); tr.is_array()) {
    sc.traffic.transports = {false, false};
    for (const auto& v : tr) {
      if (v == "polling") sc.traffic.transports.polling = true;
      if (v == "websocket") sc.traffic.transports.websocket = true;
    }
  }
  const json d = value_or<json>(value_or<json>(s, "statistics", {}), "distribution", {});
  sc.expect.alpha = value_or<double>(d, "alpha", sc.expect.alpha);
}

Result<ScenarioReport> scenario_from(const json& s, std::size_t index) {
  if (!s.is_object()) return Error{fmt::format("scenarios[{}] is not an object", index)};
  ScenarioReport r;
  scenario_fields_from(s, r.scenario);
  auto verdict = scenario_verdict(value_or<std::string>(s, "verdict", ""));
  if (!verdict) return Error{fmt::format("scenarios[{}]: no valid verdict", index)};
  r.verdict = *verdict;
  r.error = value_or<std::string>(s, "error", "");
  r.partial = value_or<bool>(s, "partial", false);
  r.duration_s = value_or<double>(s, "duration_s", 0);
  r.client = value_or<std::string>(s, "client", "");
  const json t = value_or<json>(s, "timings", json::object());  // absent before it existed
  r.timings = {value_or<double>(t, "startup_s", 0),  value_or<double>(t, "traffic_s", 0),
               value_or<double>(t, "checks_s", 0),   value_or<double>(t, "report_s", 0),
               value_or<double>(t, "teardown_s", 0), value_or<long long>(t, "peak_rss_bytes", 0)};
  r.metrics = metrics_from(value_or<json>(s, "metrics", json::object()));
  read_metrics_extras(value_or<json>(s, "metrics", json::object()), r.metrics);
  if (const json shard = value_or<json>(s, "shard", json()); shard.is_object())
    shard_from_json(shard, r);
  r.evaluation = evaluation_from(s);
  disturbances_from(s, r);
  for (const auto& l : value_or<json>(s, "logs", json::array()))
    r.logs.push_back({value_or<std::string>(l, "name", ""), value_or<std::string>(l, "tail", "")});
  r.charts = charts_from_json(value_or<json>(s, "charts", json::object()));
  order_like_spread(r.metrics, r.charts.spread);
  r.cookies = cookies_from_json(value_or<json>(s, "cookies", json::array()));
  const json proxy = value_or<json>(s, "proxy", json::object());
  r.proxy_version = value_or<std::string>(proxy, "version", "");
  r.proxy_config_path = value_or<std::string>(proxy, "config_path", "");
  r.proxy_config = value_or<std::string>(proxy, "config", "");
  r.proxy_config_rendered = value_or<std::string>(proxy, "config_rendered", "");
  r.proxy_config_notes =
      value_or<std::vector<std::string>>(proxy, "config_notes", std::vector<std::string>{});
  for (const auto& f : value_or<json>(proxy, "lint", json::array()))
    if (f.is_object()) r.lint.push_back(finding_from_json(f));
  if (const json probe = value_or<json>(s, "probe", json()); probe.is_object()) {
    ProbeSummary p;
    p.url = value_or<std::string>(probe, "url", "");
    p.identified_by = value_or<std::string>(probe, "identified_by", "");
    p.confidence = value_or<std::string>(probe, "confidence", "");
    p.reason = value_or<std::string>(probe, "reason", "");
    p.facts = value_or<std::vector<std::string>>(probe, "facts", {});
    p.loss_signal = value_or<std::string>(probe, "loss_signal", "");
    r.probe = std::move(p);
  }
  return r;
}

}  // namespace

Result<Report> report_from_json(const json& j) {
  if (!j.is_object() || value_or<std::string>(j, "tool", "") != "stickycheck")
    return Error{"not a stickycheck report (no \"tool\": \"stickycheck\")"};
  Report report;
  report.schema_version = value_or<int>(j, "schema_version", 0);
  if (report.schema_version < 1 || report.schema_version > kReportSchemaVersion)
    return Error{fmt::format("schema_version {} is not one this stickycheck reads (1 to {})",
                             report.schema_version, kReportSchemaVersion)};
  report.tool_version = value_or<std::string>(j, "tool_version", "");
  report.started_at = value_or<std::string>(j, "started_at", "");
  report.interrupted = value_or<bool>(j, "interrupted", false);
  report.command_line = value_or<std::vector<std::string>>(j, "command_line", {});
  report.merged_from = value_or<std::vector<std::string>>(j, "merged_from", {});
  const json scenarios = value_or<json>(j, "scenarios", json());
  if (!scenarios.is_array()) return Error{"\"scenarios\" is missing or not an array"};
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    auto s = scenario_from(scenarios[i], i);
    if (!s) return s.error();
    report.scenarios.push_back(std::move(*s));
  }
  return report;
}

}  // namespace sc
