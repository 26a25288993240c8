#pragma once
// The conformance matrix: behaviours (the scenarios' `behaviour`) x proxy types, each cell
// the verdict of the scenario that shows that behaviour on that proxy and what it observed.
#include <optional>
#include <string>
#include <vector>

#include "report/report.hpp"

namespace sc {

struct MatrixCell {
  ScenarioVerdict verdict = ScenarioVerdict::kError;
  std::string observed;  // "sticky 100%", "moved 148/148, 0 errors", "skipped"
  std::string scenario;  // its name
};

struct ConformanceMatrix {
  std::vector<std::string> proxies;     // columns, in proxy_kinds() order, only those present
  std::vector<std::string> behaviours;  // rows, in the order the scenarios ran
  std::vector<std::vector<std::optional<MatrixCell>>> cells;  // [row][column]
  bool empty() const { return behaviours.empty(); }
};

// What a scenario's run showed, in a few words.
std::string observed_summary(const ScenarioReport& r);

// Scenarios without a `behaviour` are not in the matrix.
ConformanceMatrix build_matrix(const Report& report);

// A Markdown table (readable in a terminal as it is, and pasted into the README).
std::string matrix_markdown(const ConformanceMatrix& m);

}  // namespace sc
