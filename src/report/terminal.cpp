#include "report/terminal.hpp"

#include <fmt/color.h>
#include <fmt/format.h>

#include "report/matrix.hpp"

namespace sc {

namespace {

std::string paint(const std::string& text, fmt::terminal_color c, bool color) {
  return color ? fmt::format(fmt::fg(c) | fmt::emphasis::bold, "{}", text) : text;
}

std::string verdict_label(ScenarioVerdict v, bool color) {
  switch (v) {
    case ScenarioVerdict::kPass: return paint("PASS ", fmt::terminal_color::green, color);
    case ScenarioVerdict::kFail: return paint("FAIL ", fmt::terminal_color::red, color);
    case ScenarioVerdict::kError: return paint("ERROR", fmt::terminal_color::magenta, color);
    case ScenarioVerdict::kSkipped:
      return paint("SKIP ", fmt::terminal_color::yellow, color);
  }
  return "?";
}

std::string check_label(Verdict v, bool color) {
  switch (v) {
    case Verdict::kPass: return paint("pass", fmt::terminal_color::green, color);
    case Verdict::kFail: return paint("FAIL", fmt::terminal_color::red, color);
    case Verdict::kNotApplicable: return paint("n/a ", fmt::terminal_color::yellow, color);
  }
  return "?";
}

std::string observed_text(const CheckResult& c) {
  if (c.id == "session_losses") return fmt::format("{}", static_cast<long long>(c.observed));
  if (c.id == "distribution") return fmt::format("p={:.4g}", c.observed);
  return fmt::format("{:.4f}", c.observed);
}

}  // namespace

void print_scenario_summary(std::FILE* out, const ScenarioReport& r, bool color) {
  const auto& m = r.metrics;
  fmt::print(out, "{} {}  ({}; {} sessions, {} requests, {:.1f}s)\n",
             verdict_label(r.verdict, color), r.scenario.name, r.scenario.file,
             m.sessions + m.left_out_sessions + m.cookieless_sessions,
             m.requests + m.left_out_requests, r.duration_s);
  if (r.verdict == ScenarioVerdict::kError || r.verdict == ScenarioVerdict::kSkipped) {
    fmt::print(out, "      {}\n", r.error);
  } else if (r.partial) {
    fmt::print(out, "      partial ({}): the checks judge only the {} requests that completed\n",
               r.error, m.requests + m.left_out_requests);
  }
  for (const auto& c : r.evaluation.checks) {
    fmt::print(out, "      {}  {:<15} {:>10}  expected {:<12} {}\n", check_label(c.verdict, color),
               c.id, observed_text(c), c.expected, c.explanation);
  }
  for (const auto& d : r.evaluation.diagnosis) {
    bool shown = false;  // a check's explanation may already carry this cause
    for (const auto& c : r.evaluation.checks) shown = shown || c.explanation.find(d) != std::string::npos;
    if (!shown) fmt::print(out, "      cause: {}\n", d);
  }
  if (r.verdict == ScenarioVerdict::kFail || r.verdict == ScenarioVerdict::kError) {
    for (const auto& l : r.logs) {
      if (l.tail.empty()) continue;
      fmt::print(out, "      --- last output of {} ---\n", l.name);
      std::size_t start = 0;
      while (start < l.tail.size()) {
        auto end = l.tail.find('\n', start);
        if (end == std::string::npos) end = l.tail.size();
        fmt::print(out, "      | {}\n", std::string_view(l.tail).substr(start, end - start));
        start = end + 1;
      }
    }
  }
}

void print_run_summary(std::FILE* out, const Report& report, bool color) {
  int pass = 0, fail = 0, error = 0, skipped = 0;
  for (const auto& s : report.scenarios) {
    if (s.verdict == ScenarioVerdict::kPass) ++pass;
    else if (s.verdict == ScenarioVerdict::kFail) ++fail;
    else if (s.verdict == ScenarioVerdict::kSkipped)
      ++skipped;
    else ++error;
  }
  std::string line = fmt::format("{} scenarios: {} pass, {} fail, {} error (could not run)",
                                 report.scenarios.size(), pass, fail, error);
  if (skipped) line += fmt::format(", {} skipped (proxy not installed)", skipped);
  if (report.interrupted) line += " (interrupted)";
  auto c = fail || error || report.interrupted ? fmt::terminal_color::red : fmt::terminal_color::green;
  fmt::print(out, "{}\n", paint(line, c, color));
}

void print_matrix(std::FILE* out, const Report& report) {
  const auto m = build_matrix(report);
  if (m.empty()) return;
  fmt::print(out,
             "\nConformance matrix (a cell passes when the proxy behaved as its scenario "
             "documents):\n\n{}\n",
             matrix_markdown(m));
}

}  // namespace sc
