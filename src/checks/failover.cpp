#include "checks/failover.hpp"

#include <algorithm>
#include <map>

#include "checks/statistics.hpp"

namespace sc {

namespace {

using Session = std::vector<const RequestRecord*>;  // in request order

std::map<std::uint32_t, Session> by_session(const RecordSet& set) {
  std::map<std::uint32_t, Session> out;
  for (const auto& r : set.records) out[r.session].push_back(&r);
  for (auto& [id, reqs] : out)
    std::sort(reqs.begin(), reqs.end(), [](auto* a, auto* b) { return a->seq < b->seq; });
  return out;
}

bool answered(const RequestRecord& r) { return r.status != 0 && r.status < 500; }

// The backend that answered the session's last request finished by `t`; for a session whose
// first answer was still on its way at `t`, the backend that gave it. kNone if neither.
std::uint32_t bound_at(const Session& s, std::int64_t t) {
  std::uint32_t bound = StringTable::kNone;
  for (const auto* r : s)
    if (r->start_us + r->latency_us <= t && answered(*r) && r->backend != StringTable::kNone)
      bound = r->backend;
  if (bound != StringTable::kNone) return bound;
  for (const auto* r : s)
    if (r->start_us < t && answered(*r) && r->backend != StringTable::kNone) return r->backend;
  return StringTable::kNone;
}

// Begun before the disturbance fired, ended after its action began, without an answer.
bool failed_in_flight(const RequestRecord& r, const FiredDisturbance& d) {
  const std::int64_t began = d.began_us >= 0 ? d.began_us : d.at_us;
  return r.start_us < d.at_us && r.start_us + r.latency_us >= began && !answered(r);
}

bool any_failed_in_flight(const Session& s, const FiredDisturbance& d) {
  return std::any_of(s.begin(), s.end(), [&d](const auto* r) { return failed_in_flight(*r, d); });
}

}  // namespace

bool is_disruptive(DisturbanceAction a) {
  return a == DisturbanceAction::kKill || a == DisturbanceAction::kStop ||
         a == DisturbanceAction::kRestart || a == DisturbanceAction::kDrain ||
         a == DisturbanceAction::kDisable;
}

std::vector<FailoverFigures> compute_failover(const RecordSet& set,
                                              const std::vector<FiredDisturbance>& fired) {
  std::vector<FailoverFigures> out;
  const auto sessions = by_session(set);
  for (std::size_t i = 0; i < fired.size(); ++i) {
    const auto& d = fired[i];
    if (d.at_us < 0 || !d.error.empty()) continue;
    if (!is_disruptive(d.spec.action) && d.spec.action != DisturbanceAction::kAdd) continue;
    FailoverFigures f;
    f.disturbance = i;
    f.backend = d.spec.backend;
    // Backend ids are interned names; a backend that never answered has none.
    const std::uint32_t target = set.strings.find(d.spec.backend);
    std::vector<long long> recovery;
    for (const auto& [id, reqs] : sessions) {
      f.in_flight_failed += std::count_if(reqs.begin(), reqs.end(),
                                          [&](const auto* r) { return failed_in_flight(*r, d); });
      const std::uint32_t bound = bound_at(reqs, d.at_us);
      std::vector<const RequestRecord*> after;
      for (const auto* r : reqs)
        if (r->start_us >= d.at_us) after.push_back(r);
      if (bound == StringTable::kNone) {
        if (!reqs.empty() && reqs.front()->start_us >= d.at_us && target != StringTable::kNone &&
            reqs.front()->backend == target)
          ++f.new_sessions_on_disturbed;
        continue;
      }
      if (after.empty()) continue;
      if (bound != target || d.spec.action == DisturbanceAction::kAdd) {
        bool moved = false;
        for (const auto* r : after)
          moved =
              moved || (answered(*r) && r->backend != StringTable::kNone && r->backend != bound);
        if (moved) ++f.collateral_sessions;
        continue;
      }
      ++f.bound_sessions;
      bool moved = false, any_answer = false;
      for (const auto* r : after) {
        ++f.requests_after;
        if (!answered(*r)) {
          ++f.errors;
          f.last_error_us =
              std::max<std::int64_t>(f.last_error_us, r->start_us + r->latency_us - d.at_us);
          continue;
        }
        if (r->session_lost) ++f.lost;
        if (r->backend == target) {
          ++f.served_by_disturbed;
        } else {
          ++f.served_elsewhere;
          moved = true;
        }
        if (!any_answer) recovery.push_back(r->start_us + r->latency_us - d.at_us);
        any_answer = true;
      }
      if (moved) ++f.sessions_moved;
      if (any_answer)
        ++f.sessions_recovered;
      else
        ++f.sessions_failed;
    }
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
  std::set<std::uint32_t> out;
  const auto sessions = by_session(set);
  for (const auto& d : fired) {
    if (d.at_us < 0 || !d.error.empty() || !is_disruptive(d.spec.action)) continue;
    const std::uint32_t target = set.strings.find(d.spec.backend);
    for (const auto& [id, reqs] : sessions) {
      const std::uint32_t bound = bound_at(reqs, d.at_us);
      const bool later = !reqs.empty() && reqs.back()->start_us + reqs.back()->latency_us > d.at_us;
      if ((later && bound != StringTable::kNone && bound == target) ||
          any_failed_in_flight(reqs, d))
        out.insert(id);
    }
  }
  return out;
}

}  // namespace sc
