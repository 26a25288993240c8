#pragma once
// What a disturbance did to the sessions: figures from the request records around the moment
// it fired. A session is *bound* to a backend at time T when the last request it had answered
// by T was answered by that backend (or, for a session whose first answer was on its way at T,
// when that answer came from it). Every counter says exactly what it counts.
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "driver/records.hpp"
#include "records/session_index.hpp"
#include "scenario/scenario.hpp"

namespace sc {

struct FiredDisturbance {
  DisturbanceSpec spec;
  std::int64_t at_us = -1;        // when it fired, microseconds since the traffic began; -1: never
  // When the action began: a kill is carried out (and reaped) over a few milliseconds, and
  // a request that failed in between was failed by it.
  std::int64_t began_us = -1;
  std::size_t requests_done = 0;  // requests completed when it fired
  std::string error;              // the action could not be carried out
};

struct FailoverFigures {
  std::size_t disturbance = 0;  // index into the fired disturbances
  std::string backend;
  // Sessions bound to the disturbed backend when it fired that made requests afterwards.
  long long bound_sessions = 0;
  // Their requests started after it fired, and those another backend answered after its action
  // began (in flight then, or started while a restart waited for its new process): moved then.
  long long requests_after = 0;
  long long served_by_disturbed = 0;  // ...of which answered by the disturbed backend
  long long served_elsewhere = 0;     // ...answered by another backend
  long long errors = 0;               // ...with no answer or a 5xx answer
  std::int64_t last_error_us = 0;     // when the last of those ended, after the disturbance
  long long lost = 0;                 // ...on which the answering backend did not know the session
  // Requests in flight when it fired (started before it fired, finished after the action
  // began) that failed: a backend killed mid-answer. Their sessions are left to these figures too.
  long long in_flight_failed = 0;
  long long sessions_moved = 0;      // bound sessions with a request answered elsewhere
  long long sessions_failed = 0;     // bound sessions whose every later request failed
  long long sessions_recovered = 0;  // bound sessions answered (not 5xx) again after it fired
  std::int64_t recovery_p50_us = 0;  // from its action's start to that first answer, median
  std::int64_t recovery_max_us = 0;  // ...and the longest
  // Sessions bound to another backend that were later answered by a backend other than theirs.
  long long collateral_sessions = 0;
  // Sessions whose first request started after it fired and was answered by the disturbed backend.
  long long new_sessions_on_disturbed = 0;
  // When the disturbed backend last finished an answer before the disturbance began
  // (microseconds since the traffic began; -1: none). With no bound session it says why:
  // the backend's sessions had all ended, e.g. while the balancer was evening out its counts.
  std::int64_t last_answer_before_us = -1;
};

// True for the actions that take a backend (partly) out of service.
bool is_disruptive(DisturbanceAction a);

// Figures for every fired disruptive disturbance (and `add`, for its collateral moves).
std::vector<FailoverFigures> compute_failover(const RecordSet& set,
                                              const std::vector<FiredDisturbance>& fired);
// The same over `sessions`, the records already grouped (one grouping for every figure).
std::vector<FailoverFigures> compute_failover(const RecordSet& set, const SessionIndex& sessions,
                                              const std::vector<FiredDisturbance>& fired);

// Sessions the failover figures judge: bound to a disturbed backend when it was disturbed, or
// with a request in flight then that failed.
// The ordinary checks (affinity, session losses, errors) leave them out.
std::set<std::uint32_t> disturbed_sessions(const RecordSet& set,
                                           const std::vector<FiredDisturbance>& fired);
std::set<std::uint32_t> disturbed_sessions(const RecordSet& set, const SessionIndex& sessions,
                                           const std::vector<FiredDisturbance>& fired);

}  // namespace sc
