#pragma once
// Report models built in-process through the real figure functions (records -> metrics,
// checks, chart figures), for the renderer tests.
#include <string>
#include <vector>

#include "checks/checks.hpp"
#include "checks/metrics.hpp"
#include "checks/timeline.hpp"
#include "report/report.hpp"

namespace sc::test {

// `sessions` x `per_session` requests, 1 ms apart, over `backends` round-robin by session;
// every 7th session switches backend halfway and loses its session, every 11th request of
// session 3 fails.
inline RecordSet model_records(const std::vector<std::string>& backends, std::uint32_t sessions,
                               std::uint32_t per_session) {
  RecordSet set;
  std::vector<std::uint32_t> ids;
  for (const auto& b : backends) ids.push_back(set.strings.intern(b));
  set.records.reserve(std::size_t(sessions) * per_session);
  for (std::uint32_t s = 0; s < sessions; ++s)
    for (std::uint32_t q = 0; q < per_session; ++q) {
      RequestRecord r;
      r.session = s;
      r.seq = q;
      r.start_us = std::int64_t(s) * 50 + std::int64_t(q) * 1000;
      r.latency_us = 200 + std::int32_t((s * 7 + q * 13) % 5000);
      const bool moved = s % 7 == 0 && q >= per_session / 2;
      r.backend = ids[(s + (moved ? 1 : 0)) % ids.size()];
      r.session_lost = moved && q == per_session / 2;
      r.status = 200;
      if (s == 3 && q % 11 == 5) r.status = 0, r.backend = StringTable::kNone;
      set.records.push_back(r);
    }
  return set;
}

inline ScenarioReport model_scenario(const std::string& name,
                                     const std::vector<std::string>& backends,
                                     std::uint32_t sessions, std::uint32_t per_session) {
  ScenarioReport r;
  r.scenario.name = name;
  r.scenario.file = "scenarios/" + name + ".yaml";
  r.scenario.behaviour = "route cookie set by the proxy";
  r.scenario.proxy.stickysession = "ROUTEID";
  r.scenario.traffic.sessions = int(sessions);
  r.scenario.traffic.requests_per_session = int(per_session);
  std::vector<double> weights;
  for (const auto& b : backends) {
    BackendSpec spec;
    spec.options.name = b;
    r.scenario.backends.push_back(spec);
    weights.push_back(1);
  }
  const auto set = model_records(backends, sessions, per_session);
  r.metrics = compute_metrics(set, backends, '.');
  r.evaluation = evaluate(r.scenario, r.metrics);
  bool ok = true;
  for (const auto& c : r.evaluation.checks) ok = ok && c.verdict != Verdict::kFail;
  r.verdict = ok ? ScenarioVerdict::kPass : ScenarioVerdict::kFail;
  r.charts = compute_chart_figures(set, r.metrics, weights);
  FiredDisturbance kill;
  kill.spec.action = DisturbanceAction::kKill;
  kill.spec.backend = backends.front();
  kill.spec.at_text = "50%";
  kill.at_us = std::int64_t(per_session) * 500;
  r.disturbances.push_back(kill);
  r.cookies.push_back({"ROUTEID", "Path=/; HttpOnly", {".1", ".2"}, 42, true});
  r.duration_s = 1.5;
  return r;
}

inline Report model_report(std::vector<ScenarioReport> scenarios) {
  Report report;
  report.started_at = "2026-12-01T10:00:00Z";
  report.command_line = {"stickycheck", "run", "scenarios/"};
  report.scenarios = std::move(scenarios);
  return report;
}

}  // namespace sc::test
