// The parts of a report that a merge of shards reads besides what the renderers show: the
// shard and its test's fingerprint, the latency histogram, the error texts and sticky values
// in full, the evidence the causes were found in (schema version 3 on).
#include <nlohmann/json.hpp>

#include "report/json_parts.hpp"
#include "scenario/yaml_emit.hpp"

namespace sc {

namespace {

using nlohmann::json;

// The proxy's last lines the report keeps (its causes quote a few of them).
constexpr std::size_t kKeptLogLines = 200;

json texts_json(const TextCounts& texts) {
  json out = json::array();
  for (const auto& [text, count] : texts) out.push_back({{"text", text}, {"requests", count}});
  return out;
}

TextCounts texts_from(const json& j) {
  TextCounts out;
  if (!j.is_array()) return out;
  for (const auto& t : j)
    out.push_back({value_or<std::string>(t, "text", ""), value_or<long long>(t, "requests", 0)});
  return out;
}

json histogram_json(const LogHistogram& h) {
  json buckets = json::array();
  for (const auto& [value, count] : h.buckets()) buckets.push_back({value, count});
  return {{"unit", "us"},
          {"significant_digits", 2},
          {"relative_precision", LogHistogram::kRelativePrecision},
          {"buckets", buckets}};
}

json evidence_json(const RunEvidence& e) {
  const auto& log = e.proxy_log;
  const auto from = log.size() > kKeptLogLines ? log.size() - kKeptLogLines : 0;
  return {{"scheme", e.scheme},
          {"host", e.host},
          {"path", e.path},
          {"set_cookies", e.set_cookies},
          {"cookies_captured", e.cookies_captured},
          {"proxy_log", std::vector<std::string>(log.begin() + static_cast<long>(from), log.end())},
          {"redirect_example", e.redirect_example}};
}

RunEvidence evidence_from(const json& j) {
  RunEvidence e;
  e.scheme = value_or<std::string>(j, "scheme", e.scheme);
  e.host = value_or<std::string>(j, "host", e.host);
  e.path = value_or<std::string>(j, "path", e.path);
  e.set_cookies = value_or<std::vector<std::string>>(j, "set_cookies", {});
  e.cookies_captured = value_or<bool>(j, "cookies_captured", false);
  e.proxy_log = value_or<std::vector<std::string>>(j, "proxy_log", {});
  e.redirect_example = value_or<std::string>(j, "redirect_example", "");
  return e;
}

json judgement_json(const ProbeJudgement& j) {
  return {{"strength", to_string(j.strength)},
          {"candidate", j.candidate},
          {"candidate_tried", j.candidate_tried},
          {"identity_misses", j.identity_misses},
          {"source", j.source},
          {"only_value", j.only_value},
          {"sessions", j.sessions},
          {"one_request", j.one_request},
          {"losses_observable", j.losses_observable},
          {"losses_unseen_why", j.losses_unseen_why},
          {"answers_problem", j.answers_problem},
          {"affinity_checked", j.affinity_checked},
          {"losses_seen_as", j.losses_seen_as},
          {"losses_explained", j.losses_explained}};
}

ProbeJudgement judgement_from(const json& j) {
  ProbeJudgement p;
  const auto strength = value_or<std::string>(j, "strength", "none");
  for (auto s : {IdentityStrength::none, IdentityStrength::candidate, IdentityStrength::single,
                 IdentityStrength::evidence})
    if (strength == to_string(s)) p.strength = s;
  p.candidate = value_or<std::string>(j, "candidate", "");
  p.candidate_tried = value_or<std::string>(j, "candidate_tried", "");
  p.identity_misses = value_or<std::string>(j, "identity_misses", "");
  p.source = value_or<std::string>(j, "source", "");
  p.only_value = value_or<std::string>(j, "only_value", "");
  p.sessions = value_or<long long>(j, "sessions", 0);
  p.one_request = value_or<bool>(j, "one_request", false);
  p.losses_observable = value_or<bool>(j, "losses_observable", true);
  p.losses_unseen_why = value_or<std::string>(j, "losses_unseen_why", "");
  p.answers_problem = value_or<std::string>(j, "answers_problem", "");
  p.affinity_checked = value_or<bool>(j, "affinity_checked", true);
  p.losses_seen_as = value_or<std::string>(j, "losses_seen_as", "");
  p.losses_explained = value_or<bool>(j, "losses_explained", false);
  return p;
}

}  // namespace

void add_metrics_extras(const Metrics& m, json& out) {
  out["requests_on_first_backend"] = m.requests_on_first_backend;
  out["upgrade_failures"] = m.upgrade_failures;
  out["sessions_with_upgrade_failures"] = m.sessions_with_upgrade_failures;
  out["polls_ended"] = m.polls_ended;
  out["unsticky_sessions_failed_only"] = m.unsticky_sessions_failed_only;
  out["sessions_over_backends"] = m.sessions_over_backends;
  out["error_texts"] = {{"transport", texts_json(m.transport_error_texts)},
                        {"upgrade", texts_json(m.upgrade_failure_texts)},
                        {"poll_end", texts_json(m.poll_end_texts)}};
  out["latency_histogram"] = histogram_json(m.latency);
  out["sticky_cookie"]["values"] = m.sticky_values;
  for (std::size_t i = 0; i < m.steps.size() && i < out["steps"].size(); ++i)
    out["steps"][i]["error_texts"] = texts_json(m.steps[i].error_texts);
}

void read_metrics_extras(const json& j, Metrics& m) {
  auto ll = [&](const char* key, long long fallback) {
    return value_or<long long>(j, key, fallback);
  };
  m.requests_on_first_backend = ll("requests_on_first_backend", m.requests_on_first_backend);
  m.upgrade_failures = ll("upgrade_failures", 0);
  m.sessions_with_upgrade_failures = ll("sessions_with_upgrade_failures", 0);
  m.polls_ended = ll("polls_ended", 0);
  m.unsticky_sessions_failed_only = ll("unsticky_sessions_failed_only", 0);
  m.sessions_over_backends = ll("sessions_over_backends", 0);
  const json texts = value_or<json>(j, "error_texts", json::object());
  m.transport_error_texts = texts_from(value_or<json>(texts, "transport", {}));
  m.upgrade_failure_texts = texts_from(value_or<json>(texts, "upgrade", {}));
  m.poll_end_texts = texts_from(value_or<json>(texts, "poll_end", {}));
  if (!m.upgrade_failure_texts.empty()) m.top_upgrade_failure = m.upgrade_failure_texts[0].first;
  if (!m.poll_end_texts.empty()) m.top_poll_end = m.poll_end_texts[0].first;
  std::vector<std::pair<std::int64_t, long long>> buckets;
  const json h = value_or<json>(j, "latency_histogram", json::object());
  for (const auto& b : value_or<json>(h, "buckets", json::array()))
    if (b.is_array() && b.size() == 2 && b[0].is_number_integer() && b[1].is_number_integer())
      buckets.push_back({b[0].get<std::int64_t>(), b[1].get<long long>()});
  // A histogram that does not read back is left empty: the merge then finds its count short
  // of the requests and refuses the report.
  if (auto hist = LogHistogram::from_buckets(buckets)) m.latency = std::move(*hist);
  const json cookie = value_or<json>(j, "sticky_cookie", json::object());
  m.sticky_values = value_or<std::vector<std::string>>(cookie, "values", {});
  const json steps = value_or<json>(j, "steps", json::array());
  for (std::size_t i = 0; steps.is_array() && i < m.steps.size() && i < steps.size(); ++i)
    m.steps[i].error_texts = texts_from(value_or<json>(steps[i], "error_texts", {}));
}

// The proxy's sticky cookie and the backends as the run resolved them (an Apache
// configuration can set both): a merge judges with these, not with the bare source's.
json resolved_json(const Scenario& s) {
  json backends = json::array();
  for (const auto& b : s.backends)
    backends.push_back({{"name", b.options.name}, {"route", b.options.route}, {"weight", b.weight}});
  return {{"stickysession", s.proxy.stickysession},
          {"stickysessionsep", s.proxy.stickysessionsep},
          {"backends", backends}};
}

void resolved_from(const json& j, Scenario& s) {
  if (!j.is_object()) return;
  s.proxy.stickysession = value_or<std::string>(j, "stickysession", s.proxy.stickysession);
  s.proxy.stickysessionsep = value_or<std::string>(j, "stickysessionsep", s.proxy.stickysessionsep);
  s.backends.clear();
  for (const auto& b : value_or<json>(j, "backends", json::array())) {
    BackendSpec spec;
    spec.options.name = value_or<std::string>(b, "name", "");
    spec.options.route = value_or<std::string>(b, "route", "");
    spec.weight = value_or<double>(b, "weight", 1);
    spec.start = false;
    s.backends.push_back(std::move(spec));
  }
}

json shard_to_json(const ScenarioReport& r) {
  json j = {{"index", r.scenario.shard.index},
            {"count", r.scenario.shard.count},
            {"run_id", r.scenario.shard.run_id},
            {"resolved", resolved_json(r.scenario)},
            {"fingerprint", r.fingerprint},
            {"started_unix_us", r.started_unix_us},
            {"scenario_source", redacted_source(r.scenario.source)},
            {"evidence", evidence_json(r.evidence)},
            {"outside_causes", r.outside_causes}};
  if (r.judgement) j["probe_judgement"] = judgement_json(*r.judgement);
  return j;
}

void shard_from_json(const json& j, ScenarioReport& r) {
  r.scenario.shard.index = value_or<int>(j, "index", 0);
  r.scenario.shard.count = value_or<int>(j, "count", 1);
  r.scenario.shard.run_id = value_or<std::string>(j, "run_id", "");
  resolved_from(value_or<json>(j, "resolved", json()), r.scenario);
  r.fingerprint = value_or<std::string>(j, "fingerprint", "");
  r.started_unix_us = value_or<std::int64_t>(j, "started_unix_us", 0);
  r.scenario.source = value_or<std::string>(j, "scenario_source", "");
  r.evidence = evidence_from(value_or<json>(j, "evidence", json::object()));
  r.outside_causes = value_or<std::vector<std::string>>(j, "outside_causes", {});
  if (const json p = value_or<json>(j, "probe_judgement", json()); p.is_object())
    r.judgement = judgement_from(p);
}

}  // namespace sc
