#pragma once
// Verdicts from figures: pure functions, no sockets.
#include <string>
#include <vector>

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
};

struct Evaluation {
  std::vector<CheckResult> checks;
  std::vector<std::string> diagnosis;  // causes a person can act on
  ChiSquareResult distribution;
};

// A check that a count stays at or under `max`: id, observed, expected and verdict filled.
CheckResult count_at_most(std::string id, long long observed, long long max);

// What to do when mod_proxy_balancer's sticky cookie carries no route: the balancer-side recipe
// first, then the backend-side fixes. One text for every place that gives this advice.
std::string route_cookie_remedy();

// Causes of lost affinity that the figures reveal (empty when none is recognised).
std::vector<std::string> diagnose(const Scenario& scenario, const Metrics& m);
// Why the first requests' spread is uneven, when the figures show it (empty otherwise).
std::string diagnose_distribution(const Scenario& scenario, const Metrics& m);

// `causes` found outside the figures (a probe's view of cookies and headers) come first in the
// diagnosis and in the affinity check's explanation.
Evaluation evaluate(const Scenario& scenario, const Metrics& m,
                    const std::vector<std::string>& causes = {});

// One check per disturbance that it fired, and per disruptive one what happened to its
// sessions (when expect.disturbed_sessions / max_recovery say), the collateral moves, and
// whether new sessions avoided the disturbed backend.
void add_failover_checks(const Scenario& scenario, const std::vector<FiredDisturbance>& fired,
                         const std::vector<FailoverFigures>& figures, Evaluation& e);

}  // namespace sc
