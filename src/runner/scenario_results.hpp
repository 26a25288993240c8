#pragma once
// The steps after the traffic, shared by every run that drove sessions (a scenario with our
// backends, or a probe of a deployment we did not start): the figures, the checks and the
// verdict, from the records alone.
#include <string>
#include <vector>

#include "checks/failover.hpp"
#include "cookie/cookie_tally.hpp"
#include "driver/driver.hpp"
#include "report/report.hpp"
#include "scenario/scenario.hpp"

namespace sc {

// traffic.threads as the driver runs it: 0 is half this machine's CPUs, at least 1.
int driver_threads(int configured);

// The driver's settings for a scenario's traffic section, aimed at `url`.
DriverConfig driver_config_for(const Scenario& s, const std::string& url, int wake_fd);

// The figures: report.disturbances, failover, metrics and charts, from the records alone.
void compute_figures(const Scenario& s, const RecordSet& records,
                     std::vector<FiredDisturbance> fired, ScenarioReport& report);
// Why a run stopped when the user interrupted it.
inline constexpr std::string_view kInterruptedReason = "interrupted";

// The checks and the verdict over the figures; `causes` found elsewhere (a probe's) come first
// in the diagnosis. `failure` (empty when the traffic ran as planned) makes the verdict an
// error, or skipped with `skipped`; an interruption (kInterruptedReason) after some requests
// completed still judges those, and marks the report partial.
void judge(const Scenario& s, const std::string& failure, bool skipped,
           const std::vector<std::string>& causes, ScenarioReport& report,
           const RunEvidence& evidence = {});
// Pass unless a check failed.
ScenarioVerdict verdict_of(const Evaluation& e);

// The report's cookies from a tally; `identifying`: the cookie whose value named the backend
// (empty: none did).
std::vector<CookieObservation> cookie_observations(const CookieTally& tally,
                                                   const std::string& identifying);

// compute_figures, then judge.
void collect_results(const Scenario& s, const RecordSet& records,
                     std::vector<FiredDisturbance> fired, const std::string& failure, bool skipped,
                     ScenarioReport& report, const RunEvidence& evidence = {});

// The Set-Cookies the clients received, one per name, as RunEvidence keeps them.
std::vector<std::string> set_cookie_lines(const CookieTally& tally);

}  // namespace sc
