#pragma once
// Reads a scenario from YAML (or JSON, which YAML accepts). Every error names the file,
// line, column and key and says what was expected: "file:line:col: key: message".
#include <string>
#include <string_view>

#include "scenario/scenario.hpp"
#include "util/result.hpp"

namespace sc {

// A probe's traffic unless its `target:` scenario or the probe command says otherwise: gentle
// on a live site. 5 sessions at a time: no round robin of 2, 3 or 4 members makes sessions that
// take turns in step meet the same member every time (docs/scenarios.md#traffic-options).
inline constexpr int kProbeSessions = 50;
inline constexpr int kProbeRequestsPerSession = 10;
inline constexpr int kProbeConcurrency = 5;
// What a socket.io probe sends over HTTP, at most: per event a POST and the poll that follows
// its answer; per session a handshake, the connect, a first poll, an upgrade and a close. The
// request cap and the rate count these, not the events.
inline constexpr int kSocketIoRequestsPerEvent = 2;
inline constexpr int kSocketIoRequestsPerSession = 5;

// The HTTP requests a probe with this traffic sends at most.
long long probe_http_requests(const TrafficSpec& t);

// A steps file (probe --steps): the same YAML list as traffic.steps, its errors located in it.
Result<std::vector<StepSpec>> parse_steps_text(std::string_view text, const std::string& file);

// All errors found, one per line, in file order. Pure: reads no file (not even the ones the
// scenario names: runner/scenario_resolve.hpp does that next).
Result<Scenario> parse_scenario_text(std::string_view text, const std::string& file_name);

}  // namespace sc
