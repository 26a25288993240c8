#pragma once
// Verdicts from figures: pure functions, no sockets.
#include <string>
#include <vector>

#include "causes/causes.hpp"
#include "checks/failover.hpp"
#include "checks/metrics.hpp"
#include "checks/statistics.hpp"
#include "checks/verdict.hpp"
#include "scenario/scenario.hpp"

namespace sc {

struct CheckResult {
  std::string id;
  Verdict verdict = Verdict::kNotApplicable;
  double observed = 0;
  std::string expected;  // the threshold, e.g. ">= 0.999"
  std::string explanation;
  bool count = false;  // observed is a count (requests, sessions), written as an integer
};

struct Evaluation {
  std::vector<CheckResult> checks;
  std::vector<std::string> diagnosis;  // causes a person can act on
  ChiSquareResult distribution;
};

// A check that a count stays at or under `max`: id, observed, expected and verdict filled.
CheckResult count_at_most(std::string id, long long observed, long long max);

// What the run saw besides the records, so that a cause is chosen from what happened and
// never printed when it does not fit.
struct RunEvidence {
  // Where the clients sent their requests: cookies are stored and sent by these rules.
  std::string scheme = "http";
  std::string host = "127.0.0.1";
  std::string path = "/";
  // One Set-Cookie per cookie name the clients received, as first set, with an example value
  // ("BALANCEID=balancer.www1; path=/; domain=.example.com").
  std::vector<std::string> set_cookies;
  // Whether set_cookies holds what the clients received (false: nothing was captured, so
  // "nothing set the cookie" cannot be told).
  bool cookies_captured = false;
  std::vector<std::string> proxy_log;  // the proxy's own log lines, oldest first
  std::string redirect_example;        // "301 to https://shop.example.com/", the first seen
};

// Causes that the figures and the evidence reveal, most telling first (empty when none is
// recognised): most requests failed, no answer named a backend or answers named undeclared
// ones (always); then, when affinity was lost, failed requests that broke sessions and the
// causes of the proxy type's own way of sticking.
std::vector<std::string> diagnose(const Scenario& scenario, const Metrics& m,
                                  const RunEvidence& evidence = {});
// The first of these that fits, or "": most requests failed (with the proxy's log lines that
// explain it), no answer named a backend, answers from backends the scenario does not declare.
std::vector<std::string> diagnose_answers(const Scenario& scenario, const Metrics& m,
                                          const RunEvidence& evidence);
// Why the sticky cookie never reached a backend, from how it was set and where the clients
// sent their requests: the attribute that kept it from being stored or sent (with the
// cookie as set), or that nothing set it; "" when neither fits.
std::string cookie_not_returned(const std::string& cookie, const RunEvidence& evidence);
// When most of the sessions that did not stick never reached another backend but had a failed
// request: the failures broke them, not the way the proxy sticks. "" otherwise.
std::string failures_broke_sessions(const Metrics& m, const RunEvidence& evidence);
// The proxy's log lines that explain failed requests (refused connections, members marked
// down, no live upstream), at most `max`, oldest first.
std::vector<std::string> failure_log_lines(const std::vector<std::string>& log,
                                           std::size_t max = 3);
// Why the first requests' spread is uneven, when the figures show it (empty otherwise).
std::string diagnose_distribution(const Scenario& scenario, const Metrics& m);

// `causes` found outside the figures (a probe's view of cookies and headers) come first in the
// diagnosis and in the affinity check's explanation.
Evaluation evaluate(const Scenario& scenario, const Metrics& m,
                    const std::vector<std::string>& causes = {}, const RunEvidence& evidence = {});

// One check per disturbance that it fired, and per disruptive one what happened to its
// sessions (when expect.disturbed_sessions / max_recovery say), the collateral moves, and
// whether new sessions avoided the disturbed backend.
void add_failover_checks(const Scenario& scenario, const std::vector<FiredDisturbance>& fired,
                         const std::vector<FailoverFigures>& figures, Evaluation& e);

}  // namespace sc
