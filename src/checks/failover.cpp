#include "checks/failover.hpp"

#include <algorithm>

#include "checks/statistics.hpp"

namespace sc {

namespace {

using Session = SessionRecords;  // in request order

bool answered(const RequestRecord& r) { return r.status != 0 && r.status < 500; }

// The backend that answered the session's last request finished by `t`; for a session whose
// first answer was still on its way at `t`, the backend that gave it. kNone if neither.
std::uint32_t bound_at(const Session& s, std::int64_t t) {
  std::uint32_t bound = StringTable::kNone;
  for (const auto& r : s)
    if (r.start_us + r.latency_us <= t && answered(r) && r.backend != StringTable::kNone)
      bound = r.backend;
  if (bound != StringTable::kNone) return bound;
  for (const auto& r : s)
    if (r.start_us < t && answered(r) && r.backend != StringTable::kNone) return r.backend;
  return StringTable::kNone;
}

// Begun before the disturbance fired, ended after its action began, without an answer.
bool failed_in_flight(const RequestRecord& r, const FiredDisturbance& d) {
  const std::int64_t began = d.began_us >= 0 ? d.began_us : d.at_us;
  return r.start_us < d.at_us && r.start_us + r.latency_us >= began && !answered(r);
}

long long count_failed_in_flight(const Session& s, const FiredDisturbance& d) {
  long long n = 0;
  for (const auto& r : s) n += failed_in_flight(r, d);
  return n;
}

bool started_since(const RequestRecord& r, std::int64_t t) { return r.start_us >= t; }

// Which backend a session was bound to is judged when the action began: a kill is carried out
// (and its process group reaped) over a while, and a session that failed over meanwhile was
// still bound to the disturbed backend.
std::int64_t binding_time(const FiredDisturbance& d) {
  return d.began_us >= 0 ? std::min(d.began_us, d.at_us) : d.at_us;
}

// Whether a request of a session bound to `bound` is one of its requests after the disturbance:
// started once it fired, or answered by another backend after its action began (in flight
// then, or started while the action was carried out, as a restart waits for its new process):
// the balancer moved the session then, and what the other backend said of its session is the
// disturbance's doing. One that the disturbed backend still answered, or that failed, was in
// flight.
bool after_disturbance(const RequestRecord& r, const FiredDisturbance& d, std::uint32_t bound) {
  if (started_since(r, d.at_us)) return true;
  return r.start_us + r.latency_us > binding_time(d) && answered(r) &&
         r.backend != StringTable::kNone && r.backend != bound;
}

bool any_after_disturbance(const Session& s, const FiredDisturbance& d, std::uint32_t bound) {
  for (const auto& r : s)
    if (after_disturbance(r, d, bound)) return true;
  return false;
}

// Whether a session bound to `bound` had a request after the disturbance answered elsewhere.
bool answered_elsewhere_after(const Session& s, const FiredDisturbance& d, std::uint32_t bound) {
  for (const auto& r : s)
    if (after_disturbance(r, d, bound) && answered(r) && r.backend != StringTable::kNone &&
        r.backend != bound)
      return true;
  return false;
}

// A session bound to the disturbed backend: what became of its requests after the disturbance.
// The time to the first answer counts from the moment the action began.
void add_bound_session(const Session& s, const FiredDisturbance& d, std::uint32_t target,
                       FailoverFigures& f, std::vector<long long>& recovery) {
  ++f.bound_sessions;
  bool moved = false, any_answer = false;
  for (const auto& r : s) {
    if (!after_disturbance(r, d, target)) continue;
    ++f.requests_after;
    if (!answered(r)) {
      ++f.errors;
      f.last_error_us =
          std::max<std::int64_t>(f.last_error_us, r.start_us + r.latency_us - d.at_us);
      continue;
    }
    if (r.session_lost) ++f.lost;
    if (r.backend == target) {
      ++f.served_by_disturbed;
    } else {
      ++f.served_elsewhere;
      moved = true;
    }
    if (!any_answer) recovery.push_back(r.start_us + r.latency_us - binding_time(d));
    any_answer = true;
  }
  if (moved) ++f.sessions_moved;
  if (any_answer)
    ++f.sessions_recovered;
  else
    ++f.sessions_failed;
}

void add_session(const Session& s, const FiredDisturbance& d, std::uint32_t target,
                 FailoverFigures& f, std::vector<long long>& recovery) {
  f.in_flight_failed += count_failed_in_flight(s, d);
  const std::uint32_t bound = bound_at(s, binding_time(d));
  if (bound == StringTable::kNone) {
    if (started_since(s.front(), d.at_us) && target != StringTable::kNone &&
        s.front().backend == target)
      ++f.new_sessions_on_disturbed;
    return;
  }
  if (!any_after_disturbance(s, d, bound)) return;
  if (bound != target || d.spec.action == DisturbanceAction::kAdd) {
    if (answered_elsewhere_after(s, d, bound)) ++f.collateral_sessions;
    return;
  }
  add_bound_session(s, d, target, f, recovery);
}

// The end of the disturbed backend's last answer that ended by the binding time; -1 if none.
std::int64_t last_answer_before(const RecordSet& set, std::uint32_t target,
                                const FiredDisturbance& d) {
  std::int64_t last = -1;
  if (target == StringTable::kNone) return last;
  for (const auto& r : set.records) {
    const std::int64_t end = r.start_us + r.latency_us;
    if (r.backend == target && answered(r) && end <= binding_time(d)) last = std::max(last, end);
  }
  return last;
}

}  // namespace

bool is_disruptive(DisturbanceAction a) {
  return a == DisturbanceAction::kKill || a == DisturbanceAction::kStop ||
         a == DisturbanceAction::kRestart || a == DisturbanceAction::kDrain ||
         a == DisturbanceAction::kDisable;
}

std::vector<FailoverFigures> compute_failover(const RecordSet& set,
                                              const std::vector<FiredDisturbance>& fired) {
  return compute_failover(set, SessionIndex(set.records), fired);
}

std::vector<FailoverFigures> compute_failover(const RecordSet& set, const SessionIndex& sessions,
                                              const std::vector<FiredDisturbance>& fired) {
  std::vector<FailoverFigures> out;
  for (std::size_t i = 0; i < fired.size(); ++i) {
    const auto& d = fired[i];
    if (d.at_us < 0 || !d.error.empty()) continue;
    if (!is_disruptive(d.spec.action) && d.spec.action != DisturbanceAction::kAdd) continue;
    FailoverFigures f;
    f.disturbance = i;
    f.backend = d.spec.backend;
    // Backend ids are interned names; a backend that never answered has none.
    const std::uint32_t target = set.strings.find(d.spec.backend);
    f.last_answer_before_us = last_answer_before(set, target, d);
    std::vector<long long> recovery;
    for (std::size_t k = 0; k < sessions.size(); ++k)
      add_session(sessions[k], d, target, f, recovery);
    if (!recovery.empty()) {
      f.recovery_p50_us = percentile(recovery, 0.5);
      f.recovery_max_us = *std::max_element(recovery.begin(), recovery.end());
    }
    out.push_back(f);
  }
  return out;
}

std::set<std::uint32_t> disturbed_sessions(const RecordSet& set,
                                           const std::vector<FiredDisturbance>& fired) {
  return disturbed_sessions(set, SessionIndex(set.records), fired);
}

std::set<std::uint32_t> disturbed_sessions(const RecordSet& set, const SessionIndex& sessions,
                                           const std::vector<FiredDisturbance>& fired) {
  std::set<std::uint32_t> out;
  for (const auto& d : fired) {
    if (d.at_us < 0 || !d.error.empty() || !is_disruptive(d.spec.action)) continue;
    const std::uint32_t target = set.strings.find(d.spec.backend);
    for (std::size_t k = 0; k < sessions.size(); ++k) {
      const auto s = sessions[k];
      const std::uint32_t bound = bound_at(s, binding_time(d));
      const bool later = s.back().start_us + s.back().latency_us > binding_time(d);
      if ((later && bound != StringTable::kNone && bound == target) ||
          count_failed_in_flight(s, d) > 0)
        out.insert(s.front().session);
    }
  }
  return out;
}

}  // namespace sc
