#pragma once
#include <cstdio>

#include "report/report.hpp"

namespace sc {

// One line per scenario with its verdict, then a table of its checks and any diagnosis.
void print_scenario_summary(std::FILE* out, const ScenarioReport& r, bool color);
// The closing summary of a run: counts per verdict.
void print_run_summary(std::FILE* out, const Report& report, bool color);
// The conformance matrix of the scenarios that name a behaviour (nothing when none does).
void print_matrix(std::FILE* out, const Report& report);

}  // namespace sc
