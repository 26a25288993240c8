#include "merge/merge_reports.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "merge/merge_figures.hpp"
#include "probe/probe_diagnosis.hpp"
#include "probe/probe_verdict.hpp"
#include "runner/scenario_results.hpp"
#include "scenario/scenario_parser.hpp"

namespace sc {

namespace {

// The shard every scenario of a report ran as (a run of several scenarios shards them alike).
ShardSpec shard_of(const Report& r) {
  return r.scenarios.empty() ? ShardSpec{} : r.scenarios.front().scenario.shard;
}

std::string shard_text(ShardSpec s) { return fmt::format("{}/{}", s.index, s.count); }

Status check_readable(const ShardFile& f) {
  if (f.report.schema_version < 3)
    return Error{fmt::format(
        "{}: schema version {} has no shard, fingerprint or latency histogram: merge reads "
        "schema version 3 (stickycheck {} writes it); run that shard again",
        f.path, f.report.schema_version, STICKYCHECK_VERSION)};
  if (f.report.scenarios.empty())
    return Error{fmt::format("{}: the report has no scenario", f.path)};
  for (const auto& s : f.report.scenarios) {
    if (s.fingerprint.empty())
      return Error{fmt::format("{}: scenario '{}' has no fingerprint", f.path, s.scenario.name)};
    // Every judged request is in the histogram: a report whose histogram was cut or edited
    // would bend the merged percentiles.
    if (s.metrics.latency.total() != s.metrics.requests)
      return Error{fmt::format(
          "{}: scenario '{}': its latency histogram counts {} requests, its figures {}", f.path,
          s.scenario.name, s.metrics.latency.total(), s.metrics.requests)};
  }
  return ok_status();
}

// Shards of one run that named the backends alike: the figures add up by backend name.
Status check_same_run(const std::string& pa, const ScenarioReport& a, const std::string& pb,
                      const ScenarioReport& b) {
  if (a.scenario.shard.run_id != b.scenario.shard.run_id)
    return Error{fmt::format(
        "{} is of run '{}', {} of run '{}': reports of different runs (one left from an "
        "earlier run?)",
        pa, a.scenario.shard.run_id, pb, b.scenario.shard.run_id)};
  if (a.judgement.has_value() != b.judgement.has_value())
    return Error{fmt::format("{} and {}: scenario '{}' is a probe in one report only", pa, pb,
                             a.scenario.name)};
  const auto named_by = [](const ScenarioReport& r) {
    return r.probe ? r.probe->identified_by : std::string();
  };
  if (named_by(a) != named_by(b))
    return Error{fmt::format(
        "{} and {} told the backends apart differently ({} against {}): their figures do not "
        "add up by backend; give the probe --identify so that every shard names them alike",
        pa, pb, named_by(a), named_by(b))};
  return ok_status();
}

// Every report of the same test: the same scenarios, each with the same fingerprint.
Status check_same_test(const std::vector<ShardFile>& files) {
  const auto& first = files.front();
  for (std::size_t i = 1; i < files.size(); ++i) {
    const auto& f = files[i];
    if (f.report.scenarios.size() != first.report.scenarios.size())
      return Error{fmt::format("{} and {} are reports of different tests: {} scenarios against {}",
                               first.path, f.path, first.report.scenarios.size(),
                               f.report.scenarios.size())};
    for (std::size_t k = 0; k < f.report.scenarios.size(); ++k) {
      const auto& a = first.report.scenarios[k];
      const auto& b = f.report.scenarios[k];
      if (a.fingerprint != b.fingerprint)
        return Error{fmt::format(
            "{} and {} are reports of different tests: scenario '{}' has fingerprint {}, "
            "scenario '{}' {} (the scenario or a setting differs)",
            first.path, f.path, a.scenario.name, a.fingerprint, b.scenario.name, b.fingerprint)};
      if (auto st = check_same_run(first.path, a, f.path, b); !st) return st;
    }
  }
  return ok_status();
}

// One report per shard 0..N-1, each once.
Status check_shards(const std::vector<ShardFile>& files, int expected) {
  const int n = expected > 0 ? expected : shard_of(files.front().report).count;
  std::map<int, const ShardFile*> seen;
  for (const auto& f : files) {
    const auto s = shard_of(f.report);
    if (s.count != n)
      return Error{
          fmt::format("{} is shard {}, not one of {} shards{}", f.path, shard_text(s), n,
                      expected > 0 ? " (--shards)" : fmt::format(" as {} is", files.front().path))};
    const auto [it, added] = seen.try_emplace(s.index, &f);
    if (!added)
      return Error{
          fmt::format("{} and {} are both shard {}", it->second->path, f.path, shard_text(s))};
  }
  std::vector<std::string> missing;
  for (int i = 0; i < n; ++i)
    if (!seen.count(i)) missing.push_back(shard_text({i, n, {}}));
  if (!missing.empty())
    return Error{fmt::format("shard{} {} {} missing: no report given has {}",
                             missing.size() == 1 ? "" : "s", fmt::join(missing, ", "),
                             missing.size() == 1 ? "is" : "are",
                             missing.size() == 1 ? "it" : "them")};
  return ok_status();
}

struct Part {
  const std::string* path;
  const ScenarioReport* report;
};

// The test as its source says, with what the run set besides (the site's host and path, the
// threads, a probe's backends as the answers named them).
Result<Scenario> scenario_of(const Part& first) {
  const auto& shard = *first.report;
  auto s = parse_scenario_text(shard.scenario.source, shard.scenario.file);
  if (!s)
    return Error{fmt::format("{}: scenario '{}': its source does not read back: {}", *first.path,
                             shard.scenario.name, s.error().message)};
  s->file = shard.scenario.file;
  s->source = shard.scenario.source;
  s->traffic.host = shard.scenario.traffic.host;
  s->traffic.path = shard.scenario.traffic.path;
  s->traffic.threads = shard.scenario.traffic.threads;
  // What the run resolved (an Apache configuration sets the sticky cookie and the routes).
  s->proxy.stickysession = shard.scenario.proxy.stickysession;
  s->proxy.stickysessionsep = shard.scenario.proxy.stickysessionsep;
  if (!s->target && !shard.scenario.backends.empty()) s->backends = shard.scenario.backends;
  return s;
}

// A probe's backends are the ones its answers named.
void name_observed_backends(const Metrics& merged, Scenario& s) {
  s.backends.clear();
  for (const auto& [name, figures] : merged.backends) s.backends.push_back(observed_backend(name));
}

// What a probe's verdict may claim, from the shards' judgements and the merged figures.
ProbeJudgement merged_judgement(const std::vector<Part>& parts, const Scenario& s,
                                const Metrics& m, const RunEvidence& evidence) {
  ProbeJudgement j = *parts.front().report->judgement;
  bool identified = false, candidate = false;
  for (const auto& p : parts) {
    const auto& q = *p.report->judgement;
    identified = identified || q.strength != IdentityStrength::none;
    candidate = candidate || q.strength == IdentityStrength::candidate;
    j.losses_observable = j.losses_observable && q.losses_observable;
    if (j.losses_unseen_why.empty()) j.losses_unseen_why = q.losses_unseen_why;
    if (j.identity_misses.empty()) j.identity_misses = q.identity_misses;
    if (j.source.empty()) j.source = q.source;
    if (j.candidate.empty()) j.candidate = q.candidate, j.candidate_tried = q.candidate_tried;
    j.losses_explained = j.losses_explained || q.losses_explained;
  }
  const bool socketio = s.traffic.protocol == SessionProtocol::kSocketIo;
  j.answers_problem =
      answers_cause(m, evidence.redirect_example, socketio ? m.session_losses : 0);
  j.sessions = m.sessions;
  j.strength = !identified                          ? IdentityStrength::none
               : !could_show_a_move(m, j.one_request) ? IdentityStrength::single
               : candidate                            ? IdentityStrength::candidate
                                                      : IdentityStrength::evidence;
  j.only_value =
      j.strength == IdentityStrength::single && !m.backends.empty() ? m.backends.front().first : "";
  return j;
}

// The causes a probe found outside the figures, with the losses cause said again from the
// merged count (each shard said its own, or none when its losses were within the limit).
std::vector<std::string> probe_causes(const ProbeJudgement& j, const Scenario& s,
                                      const Metrics& m, std::vector<std::string> outside) {
  const bool most_failed = m.requests > 0 && m.errors * 2 > m.requests;
  const bool socketio = s.traffic.protocol == SessionProtocol::kSocketIo;
  if (!most_failed && !socketio && !j.losses_explained &&
      m.session_losses > probe_losses_allowed(s.expect))
    outside.insert(outside.begin(), losses_said(m.session_losses, j.losses_seen_as));
  return outside;
}

// The failure that makes the merged verdict an error, "" when every shard judged its traffic.
std::string failure_of(const std::vector<Part>& parts) {
  for (const auto& p : parts) {
    const auto& r = *p.report;
    if (r.verdict == ScenarioVerdict::kError || r.verdict == ScenarioVerdict::kSkipped)
      return fmt::format("shard {} ({}): {}", shard_text(r.scenario.shard), *p.path,
                         r.error.empty() ? to_string(r.verdict) : r.error);
  }
  for (const auto& p : parts)
    if (p.report->partial) return std::string(kInterruptedReason);
  return "";
}

// Timings, duration, what ran: the longest shard's (they ran side by side), the rest summed.
void add_run_facts(const std::vector<Part>& parts, ScenarioReport& m) {
  std::int64_t first = INT64_MAX, last = 0;
  for (const auto& p : parts) {
    const auto& r = *p.report;
    m.duration_s = std::max(m.duration_s, r.duration_s);
    m.timings.startup_s = std::max(m.timings.startup_s, r.timings.startup_s);
    m.timings.traffic_s = std::max(m.timings.traffic_s, r.timings.traffic_s);
    m.timings.checks_s = std::max(m.timings.checks_s, r.timings.checks_s);
    m.timings.report_s = std::max(m.timings.report_s, r.timings.report_s);
    m.timings.teardown_s = std::max(m.timings.teardown_s, r.timings.teardown_s);
    m.timings.peak_rss_bytes = std::max(m.timings.peak_rss_bytes, r.timings.peak_rss_bytes);
    if (r.started_unix_us > 0) {
      first = std::min(first, r.started_unix_us);
      last =
          std::max(last, r.started_unix_us + static_cast<std::int64_t>(r.timings.traffic_s * 1e6));
    }
    for (const auto& l : r.logs)
      m.logs.push_back({fmt::format("shard {}: {}", shard_text(r.scenario.shard), l.name), l.tail});
  }
  m.started_unix_us = first == INT64_MAX ? 0 : first;
  // The traffic from the first shard's start to the last one's end.
  if (last > first && first != INT64_MAX) m.timings.traffic_s = double(last - first) / 1e6;
}

Result<ScenarioReport> merge_scenario(const std::vector<Part>& parts) {
  const auto& first = *parts.front().report;
  for (const auto& p : parts)
    if (!p.report->disturbances.empty())
      return Error{fmt::format(
          "{}: scenario '{}' has disturbances: each shard fired them at its own backends, and "
          "their recovery figures do not add up; run it unsharded",
          *p.path, p.report->scenario.name)};
  ScenarioReport m = first;  // what the proxy ran with, its lint, the probe's summary
  m.logs.clear();
  m.duration_s = 0;
  m.timings = {};
  const std::string failure = failure_of(parts);
  if (!failure.empty() && failure != kInterruptedReason) {
    // No figures: one shard's would read as the whole test's.
    m.metrics = {};
    m.charts = {};
    m.evaluation = {};
    m.verdict = ScenarioVerdict::kError;
    m.error = failure;
    add_run_facts(parts, m);
    return m;
  }
  std::vector<const Metrics*> metrics;
  std::vector<ChartPart> charts;
  std::vector<const std::vector<CookieObservation>*> cookies;
  std::vector<const RunEvidence*> evidence;
  std::vector<const std::vector<std::string>*> causes;
  for (const auto& p : parts) {
    metrics.push_back(&p.report->metrics);
    charts.push_back({&p.report->charts, p.report->started_unix_us});
    cookies.push_back(&p.report->cookies);
    evidence.push_back(&p.report->evidence);
    causes.push_back(&p.report->outside_causes);
  }
  auto s = scenario_of(parts.front());
  if (!s) return s.error();
  m.metrics = merge_metrics(metrics, s->proxy.separator());
  if (s->target) name_observed_backends(m.metrics, *s);
  std::vector<double> weights;
  for (const auto& b : s->backends) weights.push_back(b.weight);
  m.charts = merge_charts(charts, m.metrics, weights);
  m.cookies = merge_cookies(cookies);
  m.evidence = merge_evidence(evidence);
  m.outside_causes = merge_distinct(causes);
  m.scenario = *s;
  add_run_facts(parts, m);
  m.error.clear();
  m.evaluation = {};
  if (!first.judgement) {
    judge(m.scenario, failure, false, m.outside_causes, m, m.evidence);
    return m;
  }
  m.judgement = merged_judgement(parts, m.scenario, m.metrics, m.evidence);
  auto all_causes = probe_causes(*m.judgement, m.scenario, m.metrics, m.outside_causes);
  if (!m.judgement->answers_problem.empty())
    all_causes.insert(all_causes.begin(), m.judgement->answers_problem);
  judge(m.scenario, failure, false, all_causes, m);  // as a probe judges: no run's evidence
  if (m.verdict != ScenarioVerdict::kError) {
    settle_probe_checks(m.evaluation, *m.judgement);
    m.verdict = verdict_of(m.evaluation);
  }
  return m;
}

}  // namespace

Result<Report> merge_shard_reports(const std::vector<ShardFile>& files, int expected_shards) {
  if (files.empty()) return Error{"no report to merge"};
  for (const auto& f : files)
    if (auto st = check_readable(f); !st) return st.error();
  if (auto st = check_same_test(files); !st) return st.error();
  if (auto st = check_shards(files, expected_shards); !st) return st.error();
  std::vector<const ShardFile*> ordered;
  for (const auto& f : files) ordered.push_back(&f);
  std::sort(ordered.begin(), ordered.end(), [](const auto* a, const auto* b) {
    return shard_of(a->report).index < shard_of(b->report).index;
  });
  Report out;
  out.started_at = ordered.front()->report.started_at;
  for (const auto* f : ordered) {
    out.merged_from.push_back(f->path);
    out.started_at = std::min(out.started_at, f->report.started_at);
    out.interrupted = out.interrupted || f->report.interrupted;
  }
  for (std::size_t k = 0; k < ordered.front()->report.scenarios.size(); ++k) {
    std::vector<Part> parts;
    for (const auto* f : ordered) parts.push_back({&f->path, &f->report.scenarios[k]});
    auto merged = merge_scenario(parts);
    if (!merged) return merged.error();
    out.scenarios.push_back(std::move(*merged));
  }
  return out;
}

}  // namespace sc
