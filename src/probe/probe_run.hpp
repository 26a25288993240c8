#pragma once
// A probe of a deployment stickycheck did not start (a scenario with `target:`): drive the
// sessions politely, tell the backends apart (the user's --identify specs, else automatic
// recognition after the run), then the same figures, checks and report as a scenario, with
// the causes that can be seen from outside.
#include <string>

#include "report/report.hpp"
#include "runner/run_scenario.hpp"
#include "scenario/scenario.hpp"

namespace sc {

ScenarioReport run_probe(const Scenario& s, const RunContext& ctx);

// What a probe would do, for --dry-run: requests, their duration at the rate, what is sent.
std::string probe_plan(const Scenario& s);

}  // namespace sc
