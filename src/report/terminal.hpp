#pragma once
#include <cstdio>
#include <string>
#include <string_view>

#include "report/report.hpp"

namespace sc {

// "time: start-up 0.21 s, traffic 3.10 s, ...; peak memory 41.0 MiB" (the summary's line).
// `client`: which HTTP client carried the traffic, named after the figures when given.
std::string timings_text(const Timings& t, std::string_view client = "");
// "answers by status: 200 (1980), 302 (20); www1: ...; naming no backend: 302 (20)", or ""
// when every answer was a 2xx.
std::string statuses_text(const Metrics& m);
// One line per scenario with its verdict, then a table of its checks and any diagnosis.
void print_scenario_summary(std::FILE* out, const ScenarioReport& r, bool color);
// The closing summary of a run: counts per verdict.
void print_run_summary(std::FILE* out, const Report& report, bool color);
// The conformance matrix of the scenarios that name a behaviour (nothing when none does).
void print_matrix(std::FILE* out, const Report& report);

}  // namespace sc
