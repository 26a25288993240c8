#include "report/terminal.hpp"

#include <fmt/color.h>
#include <fmt/format.h>

#include <algorithm>

#include "report/matrix.hpp"
#include "util/text.hpp"

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
    case ScenarioVerdict::kInconclusive:
      return paint("INCONCLUSIVE", fmt::terminal_color::yellow, color);
  }
  return "?";
}

std::string check_label(Verdict v, bool color) {
  switch (v) {
    case Verdict::kPass: return paint("pass", fmt::terminal_color::green, color);
    case Verdict::kFail: return paint("FAIL", fmt::terminal_color::red, color);
    case Verdict::kNotApplicable: return paint("n/a ", fmt::terminal_color::yellow, color);
    case Verdict::kInconclusive: return paint("????", fmt::terminal_color::yellow, color);
  }
  return "?";
}

std::string observed_text(const CheckResult& c) {
  if (c.id == "session_losses") return fmt::format("{}", static_cast<long long>(c.observed));
  if (c.id == "distribution") return fmt::format("p={:.4g}", c.observed);
  return fmt::format("{:.4f}", c.observed);
}

// Prints each line of `text` (from outside: a child's log, a message) after `prefix`, made
// safe for the terminal: it cannot fake a line of ours or send escape sequences.
void print_lines(std::FILE* out, std::string_view prefix, std::string_view text) {
  for (auto line : split(text, '\n')) fmt::print(out, "{}{}\n", prefix, terminal_safe(line));
}

// A probe starts and stops nothing: its time is the traffic and the checks.
std::string probe_timings_text(const Timings& t, std::string_view client) {
  return fmt::format("time: traffic {:.2f} s, checks {:.2f} s; peak memory {:.1f} MiB{}{}",
                     t.traffic_s, t.checks_s,
                     static_cast<double>(t.peak_rss_bytes) / (1024.0 * 1024.0),
                     client.empty() ? "" : "; client ", client);
}

// How the probe told the backends apart: the verdict rests on it.
void print_probe_identity(std::FILE* out, const ProbeSummary& p) {
  fmt::print(out, "      backends told apart by: {} (confidence {}){}{}\n",
             terminal_safe(p.identified_by), terminal_safe(p.confidence),
             p.reason.empty() ? "" : ": ", terminal_safe(p.reason));
  if (!p.loss_signal.empty())
    fmt::print(out, "      losses seen by: {}\n", terminal_safe(p.loss_signal));
}

}  // namespace

std::string timings_text(const Timings& t, std::string_view client) {
  return fmt::format(
      "time: start-up {:.2f} s, traffic {:.2f} s, checks {:.2f} s, report {:.2f} s, "
      "tear-down {:.2f} s; peak memory {:.1f} MiB{}{}",
      t.startup_s, t.traffic_s, t.checks_s, t.report_s, t.teardown_s,
      static_cast<double>(t.peak_rss_bytes) / (1024.0 * 1024.0),
      client.empty() ? "" : "; client ", client);
}

std::string statuses_text(const Metrics& m) {
  const bool all_ok = std::all_of(m.statuses.begin(), m.statuses.end(),
                                  [](const auto& s) { return s.first >= 200 && s.first < 300; });
  if (m.statuses.empty() || all_ok) return "";
  std::string out = "answers by status: " + status_counts_text(m.statuses);
  for (const auto& [name, f] : m.backends)
    if (!f.statuses.empty()) out += fmt::format("; {}: {}", terminal_safe(name), status_counts_text(f.statuses));
  if (!m.statuses_without_backend.empty())
    out += "; naming no backend: " + status_counts_text(m.statuses_without_backend);
  return out;
}

// "steps: login page 100; log in 100, 3 errors (step 'log in': expected HTTP 302, got 403);
// account 800, 2 losses": which step broke, when the sessions followed steps.
std::string steps_text(const Metrics& m) {
  if (m.steps.empty()) return "";
  std::string out = "steps:";
  for (std::size_t i = 0; i < m.steps.size(); ++i) {
    const auto& s = m.steps[i];
    out += fmt::format("{} {} {}", i == 0 ? "" : ";", terminal_safe(s.name), s.requests);
    if (s.errors) out += fmt::format(", {} errors ({})", s.errors, terminal_safe(s.top_error));
    if (s.session_losses) out += fmt::format(", {} losses", s.session_losses);
    if (s.moves) out += fmt::format(", {} moves", s.moves);
  }
  if (m.sessions_not_begun)
    out += fmt::format("; {} sessions never reached the step they are judged from",
                       m.sessions_not_begun);
  return out;
}

// Every string here that came from outside (the scenario, the servers' answers, the children's
// logs) goes through terminal_safe.
void print_scenario_summary(std::FILE* out, const ScenarioReport& r, bool color) {
  const auto& m = r.metrics;
  // A real-time session's "request" is an acknowledged event, or a message echoed.
  const auto protocol = r.scenario.traffic.protocol;
  const bool http = protocol == SessionProtocol::kHttp;
  fmt::print(out, "{} {}  ({}; {} {}{}sessions, {} {}, {:.1f}s)\n",
             verdict_label(r.verdict, color), terminal_safe(r.scenario.name),
             terminal_safe(r.scenario.file),
             m.sessions + m.left_out_sessions + m.cookieless_sessions + m.sessions_not_begun,
             http ? "" : to_string(protocol), http ? "" : " ", m.requests + m.left_out_requests,
             protocol == SessionProtocol::kSocketIo    ? "acknowledged events"
             : protocol == SessionProtocol::kWebSocket ? "echoed messages"
                                                       : "requests",
             r.duration_s);
  if (r.verdict == ScenarioVerdict::kError || r.verdict == ScenarioVerdict::kSkipped) {
    print_lines(out, "      ", r.error);
  } else if (r.partial) {
    fmt::print(out, "      partial ({}): the checks judge only the {} requests that completed\n",
               terminal_safe(r.error), m.requests + m.left_out_requests);
  }
  if (r.probe && r.verdict != ScenarioVerdict::kError) print_probe_identity(out, *r.probe);
  if (r.timings.peak_rss_bytes > 0)
    fmt::print(out, "      {}\n", r.probe ? probe_timings_text(r.timings, terminal_safe(r.client))
                                          : timings_text(r.timings, terminal_safe(r.client)));
  // Only when some answer was not a 2xx: then which, and from where, is part of the verdict.
  if (const auto st = statuses_text(m); !st.empty()) fmt::print(out, "      {}\n", st);
  if (const auto st = steps_text(m); !st.empty()) fmt::print(out, "      {}\n", st);
  for (const auto& c : r.evaluation.checks) {
    fmt::print(out, "      {}  {:<15} {:>10}  expected {:<12} {}\n", check_label(c.verdict, color),
               terminal_safe(c.id), observed_text(c), terminal_safe(c.expected),
               terminal_safe(c.explanation));
  }
  for (const auto& d : r.evaluation.diagnosis) {
    bool shown = false;  // a check's explanation may already carry this cause
    for (const auto& c : r.evaluation.checks) shown = shown || c.explanation.find(d) != std::string::npos;
    if (!shown) fmt::print(out, "      cause: {}\n", terminal_safe(d));
  }
  for (const auto& f : r.lint) fmt::print(out, "      lint: {}\n", terminal_safe(finding_line(f)));
  if (r.verdict == ScenarioVerdict::kFail || r.verdict == ScenarioVerdict::kError) {
    for (const auto& l : r.logs) {
      if (l.tail.empty()) continue;
      fmt::print(out, "      --- last output of {} ---\n", terminal_safe(l.name));
      print_lines(out, "      | ", l.tail);
    }
  }
}

void print_run_summary(std::FILE* out, const Report& report, bool color) {
  const auto n = count_verdicts(report);
  std::string line = fmt::format("{} scenarios: {} pass, {} fail, {} error (could not run)",
                                 report.scenarios.size(), n.pass, n.fail, n.error);
  if (n.inconclusive) line += fmt::format(", {} inconclusive (could not decide)", n.inconclusive);
  if (n.skipped) line += fmt::format(", {} skipped (proxy not installed)", n.skipped);
  if (report.interrupted) line += " (interrupted)";
  if (!report.merged_from.empty())
    line += fmt::format("; merged from {} shard reports", report.merged_from.size());
  auto c = n.fail || n.error || n.inconclusive || report.interrupted ? fmt::terminal_color::red
                                                                     : fmt::terminal_color::green;
  fmt::print(out, "{}\n", paint(line, c, color));
}

void print_matrix(std::FILE* out, const Report& report) {
  const auto m = build_matrix(report);
  if (m.empty()) return;
  fmt::print(out,
             "\nConformance matrix (a cell passes when the proxy behaved as its scenario "
             "documents):\n\n");
  print_lines(out, "", matrix_markdown(m));
}

}  // namespace sc
