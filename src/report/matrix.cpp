#include "report/matrix.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "proxies/proxy_kinds.hpp"

namespace sc {

namespace {

std::string percent(double share) { return fmt::format("{:.0f}%", share * 100); }

// Worse verdicts win when two scenarios land in one cell.
int severity(ScenarioVerdict v) {
  switch (v) {
    case ScenarioVerdict::kPass:
      return 0;
    case ScenarioVerdict::kSkipped:
      return 1;
    case ScenarioVerdict::kInconclusive:
      return 2;
    case ScenarioVerdict::kFail:
      return 3;
    case ScenarioVerdict::kError:
      return 4;
  }
  return 4;
}

std::string cell_text(const MatrixCell& c) {
  switch (c.verdict) {
    case ScenarioVerdict::kPass:
      return "pass: " + c.observed;
    case ScenarioVerdict::kFail:
      return "FAIL: " + c.observed;
    case ScenarioVerdict::kError:
      return "ERROR";
    case ScenarioVerdict::kSkipped:
      return "skipped";
    case ScenarioVerdict::kInconclusive:
      return "inconclusive: " + c.observed;
  }
  return "?";
}

}  // namespace

std::string observed_summary(const ScenarioReport& r) {
  if (r.verdict == ScenarioVerdict::kSkipped) return "skipped";
  if (r.verdict == ScenarioVerdict::kError) return "error";
  const auto& m = r.metrics;
  for (const auto& f : r.failover) {
    if (f.disturbance >= r.disturbances.size() ||
        !is_disruptive(r.disturbances[f.disturbance].spec.action))
      continue;
    return fmt::format("moved {}/{}, {} errors", f.sessions_moved, f.bound_sessions, f.errors);
  }
  std::string out = m.sticky_share() >= 0.999 ? "sticky " + percent(m.sticky_share())
                                              : "not sticky (" + percent(m.sticky_share()) + ")";
  if (m.session_losses > 0) out += fmt::format(", {} lost", m.session_losses);
  const auto& chi = r.evaluation.distribution;
  if (chi.applicable && chi.p_value < r.scenario.expect.alpha) {
    long long top = 0, total = 0;
    for (const auto& [name, b] : m.backends)
      top = std::max(top, b.first_requests), total += b.first_requests;
    out += fmt::format(", uneven ({}% on one)", total ? top * 100 / total : 0);
  }
  return out;
}

ConformanceMatrix build_matrix(const Report& report) {
  ConformanceMatrix m;
  for (const auto& k : proxy_kinds())
    for (const auto& r : report.scenarios)
      if (!r.scenario.behaviour.empty() && r.scenario.proxy.type == k.type) {
        m.proxies.emplace_back(k.type);
        break;
      }
  for (const auto& r : report.scenarios) {
    const auto& b = r.scenario.behaviour;
    if (b.empty()) continue;
    auto row_it = std::find(m.behaviours.begin(), m.behaviours.end(), b);
    if (row_it == m.behaviours.end()) {
      m.behaviours.push_back(b);
      m.cells.emplace_back(m.proxies.size());
      row_it = m.behaviours.end() - 1;
    }
    const auto row = static_cast<std::size_t>(row_it - m.behaviours.begin());
    const auto col = static_cast<std::size_t>(
        std::find(m.proxies.begin(), m.proxies.end(), r.scenario.proxy.type) - m.proxies.begin());
    auto& cell = m.cells[row][col];
    MatrixCell c{r.verdict, observed_summary(r), r.scenario.name};
    if (!cell) {
      cell = c;
    } else {
      cell->observed += "; " + c.observed;
      cell->scenario += ", " + c.scenario;
      if (severity(c.verdict) > severity(cell->verdict)) cell->verdict = c.verdict;
    }
  }
  return m;
}

std::string matrix_markdown(const ConformanceMatrix& m) {
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"behaviour"});
  for (const auto& p : m.proxies) rows.back().push_back(p);
  for (std::size_t r = 0; r < m.behaviours.size(); ++r) {
    rows.push_back({m.behaviours[r]});
    for (const auto& c : m.cells[r]) rows.back().push_back(c ? cell_text(*c) : "-");
  }
  std::vector<std::size_t> width(rows.front().size(), 3);
  for (const auto& row : rows)
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  std::string out;
  auto line = [&](const std::vector<std::string>& row) {
    out += "|";
    for (std::size_t i = 0; i < row.size(); ++i) out += fmt::format(" {:<{}} |", row[i], width[i]);
    out += "\n";
  };
  line(rows.front());
  out += "|";
  for (auto w : width) out += std::string(w + 2, '-') + "|";
  out += "\n";
  for (std::size_t r = 1; r < rows.size(); ++r) line(rows[r]);
  return out;
}

}  // namespace sc
