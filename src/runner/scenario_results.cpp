#include "runner/scenario_results.hpp"

#include <algorithm>
#include <thread>

#include "checks/checks.hpp"
#include "checks/metrics.hpp"
#include "checks/timeline.hpp"

namespace sc {

int driver_threads(int configured) {
  if (configured > 0) return configured;
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency() / 2));
}

DriverConfig driver_config_for(const Scenario& s, const std::string& url, int wake_fd) {
  DriverConfig dc;
  dc.base_url = url;
  dc.paths = {s.traffic.path};
  dc.sessions = s.traffic.sessions;
  dc.shard_index = s.shard.index;
  dc.shard_count = s.shard.count;
  dc.requests_per_session = s.traffic.requests_per_session;
  dc.concurrency = s.traffic.concurrency;
  dc.threads = driver_threads(s.traffic.threads);
  dc.client.timeout = s.traffic.request_timeout;
  dc.pause = s.traffic.pause;
  dc.cookieless_share = s.traffic.cookieless_share;
  dc.connection_per_request = s.traffic.connection_per_request;
  dc.source_per_session = s.traffic.source_per_session;
  dc.seed = s.traffic.seed;
  dc.wake_fd = wake_fd;
  dc.protocol = s.traffic.protocol;
  dc.realtime.path = s.traffic.socketio_path;
  dc.realtime.transports = s.traffic.transports;
  dc.realtime.websocket_path = s.traffic.websocket_path;
  dc.steps = s.traffic.steps;
  dc.users = s.traffic.users;
  dc.users_unique = s.traffic.users_unique;
  return dc;
}

namespace {

// The step names and the one sessions are judged from, for the figures.
StepsView steps_view(const std::vector<StepSpec>& steps) {
  StepsView v;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    v.names.push_back(steps[i].name);
    if (!steps[i].begins_session) continue;
    v.judged_from = static_cast<std::uint16_t>(i);
    v.has_beginning = true;
  }
  return v;
}

}  // namespace

void compute_figures(const Scenario& s, const RecordSet& records,
                     std::vector<FiredDisturbance> fired, ScenarioReport& report) {
  std::vector<std::string> names;
  for (const auto& b : s.backends) names.push_back(b.options.name);
  report.disturbances = std::move(fired);
  const SessionIndex sessions(records.records);  // one grouping by session for every figure
  report.failover = compute_failover(records, sessions, report.disturbances);
  report.metrics = compute_metrics(records, sessions, names, s.proxy.separator(),
                                   disturbed_sessions(records, sessions, report.disturbances),
                                   steps_view(s.traffic.steps));
  std::vector<double> weights;
  for (const auto& b : s.backends) weights.push_back(b.weight);
  report.charts = compute_chart_figures(records, sessions, report.metrics, weights);
}

std::vector<CookieObservation> cookie_observations(const CookieTally& tally,
                                                   const std::string& identifying) {
  std::vector<CookieObservation> out;
  for (const auto& e : tally.entries())
    out.push_back({e.name, e.attributes, e.examples, e.responses,
                   !identifying.empty() && e.name == identifying});
  return out;
}

ScenarioVerdict verdict_of(const Evaluation& e) {
  bool undecided = false;
  for (const auto& c : e.checks) {
    if (c.verdict == Verdict::kFail) return ScenarioVerdict::kFail;
    undecided = undecided || c.verdict == Verdict::kInconclusive;
  }
  return undecided ? ScenarioVerdict::kInconclusive : ScenarioVerdict::kPass;
}

void judge(const Scenario& s, const std::string& failure, bool skipped,
           const std::vector<std::string>& causes, ScenarioReport& report,
           const RunEvidence& evidence) {
  const bool partial = failure == kInterruptedReason && report.metrics.requests > 0;
  if (!failure.empty() && !partial) {
    report.error = failure;
    report.verdict = skipped ? ScenarioVerdict::kSkipped : ScenarioVerdict::kError;
    report.evaluation.diagnosis = causes;
    return;
  }
  report.evaluation = evaluate(s, report.metrics, causes, evidence);
  add_failover_checks(s, report.disturbances, report.failover, report.evaluation);
  report.verdict = verdict_of(report.evaluation);
  report.partial = partial;
  if (partial) report.error = failure;
}

void collect_results(const Scenario& s, const RecordSet& records,
                     std::vector<FiredDisturbance> fired, const std::string& failure, bool skipped,
                     ScenarioReport& report, const RunEvidence& evidence) {
  compute_figures(s, records, std::move(fired), report);
  judge(s, failure, skipped, {}, report, evidence);
}

std::vector<std::string> set_cookie_lines(const CookieTally& tally) {
  std::vector<std::string> out;
  for (const auto& e : tally.entries()) {
    std::string line = e.name + "=" + (e.examples.empty() ? "" : e.examples.front());
    if (!e.attributes.empty()) line += "; " + e.attributes;
    out.push_back(std::move(line));
  }
  return out;
}

}  // namespace sc
