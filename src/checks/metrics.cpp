#include "checks/metrics.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <tuple>
#include <unordered_map>

#include "checks/statistics.hpp"
#include "realtime/session_protocol.hpp"

namespace sc {

namespace {

// Answers by HTTP status, the status as the index (the records hold 0 to 999).
using StatusCounts = std::array<long long, 1000>;

std::vector<std::pair<int, long long>> status_list(const StatusCounts& counts) {
  std::vector<std::pair<int, long long>> out;
  for (std::size_t i = 1; i < counts.size(); ++i)
    if (counts[i] > 0) out.push_back({static_cast<int>(i), counts[i]});
  return out;
}

// The metrics' backend figures by record backend id: a name is looked up once, in the order
// the records first name it (as the backends list has always been ordered), not per request.
class BackendTally {
 public:
  BackendTally(const RecordSet& set, Metrics& m)
      : set_(set), m_(m), slots_(set.strings.size(), -1) {}
  BackendFigures& operator[](std::uint32_t id) {
    return m_.backends[static_cast<std::size_t>(slot(id))].second;
  }
  // The backend's answers by HTTP status (index: the status).
  StatusCounts& statuses(std::uint32_t id) {
    const auto i = static_cast<std::size_t>(slot(id));
    if (statuses_.size() <= i) statuses_.resize(m_.backends.size());
    return statuses_[i];
  }
  // Into the backends' figures, once every request is counted.
  void finish() {
    for (std::size_t i = 0; i < statuses_.size(); ++i)
      m_.backends[i].second.statuses = status_list(statuses_[i]);
  }

 private:
  int slot(std::uint32_t id) {
    auto& slot = slots_[id];
    if (slot < 0) slot = slot_of(set_.strings.get(id));
    return slot;
  }
  int slot_of(const std::string& name) {
    for (std::size_t i = 0; i < m_.backends.size(); ++i)
      if (m_.backends[i].first == name) return static_cast<int>(i);
    m_.backends.push_back({name, {}});
    return static_cast<int>(m_.backends.size() - 1);
  }
  const RecordSet& set_;
  Metrics& m_;
  std::vector<int> slots_;  // index into m_.backends; -1: not looked up yet
  std::vector<StatusCounts> statuses_;  // by slot
};

// What the whole run's requests add up to besides the per-session figures.
struct RunTally {
  std::unordered_map<std::uint32_t, long long> error_counts;  // transport error text -> requests
  std::vector<bool> sticky_values;                            // by string id: seen
  StatusCounts statuses{};                                    // every answer
  StatusCounts statuses_without_backend{};                    // answers naming no backend
  // What each error text is, read once per text (the driver's words, session_protocol.hpp).
  struct TextKind {
    bool upgrade_refused = false;  // begins with kUpgradeRefused
    bool poll_ended = false;       // begins with kLongPollEnded
  };
  std::unordered_map<std::uint32_t, TextKind> text_kinds;
  std::unordered_map<std::uint32_t, long long> poll_end_counts;  // such text -> requests
};

const RunTally::TextKind& text_kind(const RecordSet& set, std::uint32_t text, RunTally& run) {
  const auto [it, added] = run.text_kinds.try_emplace(text);
  if (added && text != StringTable::kNone) {
    const auto& words = set.strings.get(text);
    it->second = {words.starts_with(kUpgradeRefused), words.starts_with(kLongPollEnded)};
  }
  return it->second;
}

// A refused upgrade is a transport error; a long-poll the node did not answer may have any
// status (a proxy's 502/504, or a cut).
bool is_upgrade_failure(const RecordSet& set, const RequestRecord& r, RunTally& run) {
  return r.status == 0 && text_kind(set, r.error, run).upgrade_refused;
}
bool is_poll_end(const RecordSet& set, const RequestRecord& r, RunTally& run) {
  return text_kind(set, r.error, run).poll_ended;
}


bool is_step_failure(const RequestRecord& r) {
  return r.step != kNoStep && r.error != StringTable::kNone && r.status > 0 && r.status < 500;
}

bool is_failure(const RequestRecord& r) {
  return r.status == 0 || r.status >= 500 || is_step_failure(r);
}

// Before its session's begins_session step: sent, not judged.
bool before_session(const RequestRecord& r, const StepsView& steps) {
  return r.step != kNoStep && r.step < steps.judged_from;
}

// Each step's requests, errors, losses and moves (the step a session broke at).
void add_step_figures(const SessionRecords& s, const StepsView& steps, Metrics& m,
                      std::vector<std::map<std::uint32_t, long long>>& errors) {
  for (std::size_t k = 0; k < s.size(); ++k) {
    const auto& r = s[k];
    if (r.step == kNoStep || r.step >= m.steps.size()) continue;
    auto& f = m.steps[r.step];
    ++f.requests;
    if (is_failure(r)) {
      ++f.errors;
      if (r.error != StringTable::kNone) ++errors[r.step][r.error];
    }
    if (r.session_lost && !before_session(r, steps)) ++f.session_losses;
    const auto previous = k > 0 ? s[k - 1].backend : StringTable::kNone;
    if (previous != StringTable::kNone && r.backend != StringTable::kNone && r.backend != previous)
      ++f.moves;
  }
}

// Figures every request counts in, cookieless or not.
void add_request(const RequestRecord& r, Metrics& m, BackendTally& backends, RunTally& run) {
  ++m.requests;
  if (r.status == 0) {
    ++m.transport_errors;
    ++run.error_counts[r.error];
  }
  if (r.status >= 500) ++m.server_errors;
  if (is_step_failure(r)) ++m.step_failures;
  if (r.status > 0 && r.status < 500 && r.backend == StringTable::kNone)
    ++m.answers_without_backend;
  const auto status = static_cast<std::size_t>(std::clamp<int>(r.status, 0, 999));
  if (status > 0) {
    ++run.statuses[status];
    // As answers_without_backend: below 500 (a 5xx is an error, counted as such).
    if (r.backend == StringTable::kNone && status < 500) ++run.statuses_without_backend[status];
  }
  if (r.backend != StringTable::kNone) {
    backends[r.backend].requests++;
    if (status > 0) ++backends.statuses(r.backend)[status];
  }
}

// One session's figures; cookieless sessions count only in the per-request ones.
void add_session(const RecordSet& set, const SessionRecords& s, const StepsView& steps,
                 Metrics& m, BackendTally& backends, RunTally& run) {
  const bool cookieless = s.front().cookieless;
  std::size_t begins = 0;
  while (begins + 1 < s.size() && before_session(s[begins], steps)) ++begins;
  const bool refused = steps.has_beginning && s[begins].step == steps.judged_from &&
                       is_failure(s[begins]);
  if (before_session(s.back(), steps) || refused) {
    // It never reached the step it is judged from, or that step failed (the login was
    // refused): there is no session to judge.
    for (const auto& r : s) add_request(r, m, backends, run);
    m.unjudged_requests += static_cast<long long>(s.size());
    ++m.sessions_not_begun;
    return;
  }
  if (cookieless) {
    ++m.cookieless_sessions;
    m.cookieless_requests += static_cast<long long>(s.size());
  } else {
    ++m.sessions;
  }
  // The session is judged from its begins_session step on: its first backend is the one that
  // answered that step.
  const std::uint32_t first = s[begins].backend;
  bool sticky = true, switch_after_first = false, named_another = false, failed = false;
  long long switches = 0;
  bool upgrade_failed = false;
  std::uint32_t first_named = StringTable::kNone;
  for (std::size_t k = 0; k < s.size(); ++k) {
    const auto& r = s[k];
    add_request(r, m, backends, run);
    failed = failed || is_failure(r);
    upgrade_failed = upgrade_failed || is_upgrade_failure(set, r, run);
    if (is_poll_end(set, r, run)) ++run.poll_end_counts[r.error];
    if (cookieless) continue;
    if (k < begins || before_session(r, steps)) {
      ++m.unjudged_requests;
      continue;
    }
    if (first_named == StringTable::kNone) first_named = r.backend;
    named_another = named_another || (r.backend != StringTable::kNone && r.backend != first_named);
    if (r.session_lost) ++m.session_losses;
    if (r.session_expired) ++m.session_expiries;
    if (r.backend == StringTable::kNone || r.backend != first) sticky = false;
    if (first != StringTable::kNone && r.backend == first) ++m.requests_on_first_backend;
    const auto previous = k > begins ? s[k - 1].backend : StringTable::kNone;
    if (previous != StringTable::kNone && r.backend != StringTable::kNone &&
        r.backend != previous) {
      ++switches;
      switch_after_first = switch_after_first || k == begins + 1;
    }
    if (r.sticky_value != StringTable::kNone) {
      ++m.requests_with_sticky_cookie;
      run.sticky_values[r.sticky_value] = true;
    }
  }
  if (first != StringTable::kNone) backends[first].first_requests++;
  if (upgrade_failed) ++m.sessions_with_upgrade_failures;
  if (cookieless) return;
  if (sticky) ++m.sticky_sessions;
  if (!sticky && !named_another && failed) ++m.unsticky_sessions_failed_only;
  if (named_another) ++m.sessions_over_backends;
  m.backend_switches += switches;
  m.max_session_switches = std::max(m.max_session_switches, switches);
  if (switches == 1 && switch_after_first && s.size() - begins >= 3)
    ++m.sessions_moved_after_first_only;
}

void add_poll_ends(const RecordSet& set, const RunTally& run, Metrics& m) {
  for (const auto& [text, count] : run.poll_end_counts) {
    m.polls_ended += count;
    m.poll_end_texts.push_back({set.strings.get(text), count});
  }
  keep_top_texts(m.poll_end_texts);
  if (!m.poll_end_texts.empty()) m.top_poll_end = m.poll_end_texts.front().first;
}

void add_top_transport_error(const RecordSet& set, RunTally& run, Metrics& m) {
  for (const auto& [text, count] : run.error_counts) {
    const auto& words = set.strings.get(text);
    m.transport_error_texts.push_back({words, count});
    if (!text_kind(set, text, run).upgrade_refused) continue;
    m.upgrade_failures += count;
    m.upgrade_failure_texts.push_back({words, count});
  }
  keep_top_texts(m.transport_error_texts);
  keep_top_texts(m.upgrade_failure_texts);
  if (!m.transport_error_texts.empty())
    std::tie(m.top_transport_error, m.top_transport_error_count) = m.transport_error_texts.front();
  if (!m.upgrade_failure_texts.empty())
    m.top_upgrade_failure = m.upgrade_failure_texts.front().first;
}

// Over the requests of the sessions not left out, without a copy of their latencies.
void add_latency_percentiles(const RecordSet& set, const std::set<std::uint32_t>& left_out,
                             Metrics& m) {
  const auto p = percentiles_of(
      [&](auto&& add) {
        for (const auto& r : set.records)
          if (left_out.empty() || !left_out.count(r.session)) add(r.latency_us);
      },
      {0.50, 0.99});
  m.latency_p50_us = p[0];
  m.latency_p99_us = p[1];
  for (const auto& r : set.records)
    if (left_out.empty() || !left_out.count(r.session)) m.latency.add(r.latency_us);
}

void add_sticky_values(const RecordSet& set, const RunTally& run, char separator, Metrics& m) {
  std::vector<std::string> values;
  for (std::uint32_t id = 0; id < run.sticky_values.size(); ++id)
    if (run.sticky_values[id]) values.push_back(set.strings.get(id));
  m.distinct_sticky_values = static_cast<long long>(values.size());
  std::sort(values.begin(), values.end());
  if (values.size() <= kKeptStickyValues) m.sticky_values = values;
  for (const auto& v : values) {
    if (separator == 0 || v.find(separator) != std::string::npos) ++m.sticky_values_with_separator;
    if (m.sticky_value_examples.size() < 3) m.sticky_value_examples.push_back(v);
  }
}

}  // namespace

Metrics compute_metrics(const RecordSet& set, const std::vector<std::string>& backend_names,
                        char separator, const std::set<std::uint32_t>& left_out,
                        const StepsView& steps) {
  return compute_metrics(set, SessionIndex(set.records), backend_names, separator, left_out,
                         steps);
}

Metrics compute_metrics(const RecordSet& set, const SessionIndex& sessions,
                        const std::vector<std::string>& backend_names, char separator,
                        const std::set<std::uint32_t>& left_out, const StepsView& steps) {
  Metrics m;
  for (const auto& name : steps.names) m.steps.push_back({name, 0, 0, 0, 0, {}, {}});
  std::vector<std::map<std::uint32_t, long long>> step_errors(steps.names.size());
  for (const auto& name : backend_names) m.backends.push_back({name, {}});
  BackendTally backends(set, m);
  RunTally run;
  run.sticky_values.assign(set.strings.size(), false);
  for (std::size_t i = 0; i < sessions.size(); ++i) {
    const auto s = sessions[i];
    if (!left_out.empty() && left_out.count(s.front().session)) {
      ++m.left_out_sessions;
      m.left_out_requests += static_cast<long long>(s.size());
      continue;
    }
    add_session(set, s, steps, m, backends, run);
    add_step_figures(s, steps, m, step_errors);
  }
  m.errors = m.transport_errors + m.server_errors + m.step_failures;
  for (std::size_t i = 0; i < m.steps.size(); ++i) {
    auto& f = m.steps[i];
    for (const auto& [text, count] : step_errors[i])
      f.error_texts.push_back({set.strings.get(text), count});
    keep_top_texts(f.error_texts);
    if (!f.error_texts.empty()) f.top_error = f.error_texts.front().first;
  }
  backends.finish();
  m.statuses = status_list(run.statuses);
  m.statuses_without_backend = status_list(run.statuses_without_backend);
  add_top_transport_error(set, run, m);
  add_poll_ends(set, run, m);
  add_latency_percentiles(set, left_out, m);
  add_sticky_values(set, run, separator, m);
  return m;
}

void keep_top_texts(TextCounts& texts) {
  std::sort(texts.begin(), texts.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  if (texts.size() > kKeptTexts) texts.resize(kKeptTexts);
}

std::string status_counts_text(const std::vector<std::pair<int, long long>>& statuses) {
  std::string out;
  for (const auto& [status, count] : statuses)
    out += (out.empty() ? "" : ", ") + std::to_string(status) + " (" + std::to_string(count) + ")";
  return out;
}

}  // namespace sc
