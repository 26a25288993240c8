#include "checks/checks.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace sc {

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::kPass: return "pass";
    case Verdict::kFail: return "fail";
    case Verdict::kNotApplicable: return "not_applicable";
    case Verdict::kInconclusive: return "inconclusive";
  }
  return "?";
}

CheckResult count_at_most(std::string id, long long observed, long long max) {
  CheckResult c;
  c.id = std::move(id);
  c.observed = static_cast<double>(observed);
  c.count = true;
  c.expected = fmt::format("<= {}", max);
  c.verdict = observed <= max ? Verdict::kPass : Verdict::kFail;
  return c;
}

namespace {

std::string percent(double share) { return fmt::format("{:.1f}%", share * 100); }

CheckResult check_errors(const Scenario& s, const Metrics& m) {
  CheckResult c;
  c.id = "errors";
  c.observed = m.error_rate();
  c.expected = fmt::format("<= {}", s.expect.max_error_rate);
  c.verdict = c.observed <= s.expect.max_error_rate ? Verdict::kPass : Verdict::kFail;
  c.explanation = fmt::format("{} of {} requests failed ({} transport errors, {} HTTP 5xx)",
                              m.errors, m.requests, m.transport_errors, m.server_errors);
  if (m.step_failures > 0) {
    c.explanation.pop_back();
    c.explanation += fmt::format(", {} refused by their step)", m.step_failures);
  }
  if (m.top_transport_error_count > 0)
    c.explanation +=
        fmt::format("; the most common transport error ({} of {}): {}", m.top_transport_error_count,
                    m.transport_errors, m.top_transport_error);
  // The step that broke, in its own words: the login, the page behind it.
  for (const auto& step : m.steps)
    if (step.errors > 0 && !step.top_error.empty()) {
      c.explanation += fmt::format("; first failing step: {} ({} errors: {})", step.name,
                                   step.errors, step.top_error);
      break;
    }
  return c;
}

CheckResult check_affinity(const Scenario& s, const Metrics& m,
                           const std::vector<std::string>& diagnosis) {
  CheckResult c;
  c.id = "affinity";
  const bool want = s.expect.affinity;
  // A negative control passes on sessions seen on two backends only: one whose answers named
  // no backend, or failed, may have stuck for all the run can tell.
  c.observed = want ? m.sticky_share() : m.possibly_sticky_share();
  const double threshold = want ? s.expect.min_sticky_share : s.expect.max_sticky_share;
  c.expected = fmt::format("{} {}", want ? ">=" : "<=", threshold);
  const bool holds = m.sticky_share() >= s.expect.min_sticky_share;
  c.verdict = (want ? c.observed >= threshold : c.observed <= threshold) ? Verdict::kPass
                                                                         : Verdict::kFail;
  c.explanation = fmt::format(
      "{} of {} sessions ({}) kept all of their requests on one backend; {} of requests went "
      "to their session's first backend; {} backend switches",
      m.sticky_sessions, m.sessions, percent(c.observed), percent(m.first_backend_share()),
      m.backend_switches);
  if (m.left_out_sessions)
    c.explanation += fmt::format(
        " ({} sessions bound to a disturbed backend are left to the disturbance checks)",
        m.left_out_sessions);
  if (!want)
    c.explanation += fmt::format(
        "; this scenario is a negative control: affinity must not hold, and it is judged on the "
        "{} sessions ({}) answered by two or more backends",
        m.sessions_over_backends,
        percent(m.sessions ? double(m.sessions_over_backends) / m.sessions : 0));
  const auto& t = s.traffic;
  if (t.protocol == SessionProtocol::kWebSocket ||
      (t.protocol == SessionProtocol::kSocketIo && !t.transports.polling))
    c.explanation +=
        "; each session is one WebSocket connection, which stays on the backend that took its "
        "upgrade whatever the balancer does: no stickiness is needed for it, and none is tested "
        "(a session moves only when its connection fails and the client reconnects)";
  if (!holds && !diagnosis.empty()) c.explanation += ". Cause: " + diagnosis.front();
  return c;
}

CheckResult check_losses(const Scenario& s, const Metrics& m) {
  CheckResult c;
  c.id = "session_losses";
  c.observed = static_cast<double>(m.session_losses);
  c.count = true;
  long long max = s.expect.max_session_losses;
  if (max < 0 && !s.expect.affinity) {
    c.verdict = Verdict::kNotApplicable;
    c.expected = "not checked";
    // A probe's options are its words: it has no scenario keys to name.
    c.explanation = fmt::format(
        "{} requests reached a backend that did not know their session id (not checked: {})",
        m.session_losses,
        s.target ? "--expect no-affinity and no --max-session-losses given"
                 : "affinity is not expected and expect.max_session_losses is not set");
    return c;
  }
  c = count_at_most(c.id, m.session_losses, max < 0 ? 0 : max);
  c.explanation = fmt::format(
      "{} requests reached a backend that did not know their session id (the application "
      "would have logged the user out)",
      m.session_losses);
  return c;
}

CheckResult check_distribution(const Scenario& s, const Metrics& m, ChiSquareResult& chi) {
  CheckResult c;
  c.id = "distribution";
  std::vector<long long> observed;
  std::vector<double> weights;
  std::string counts;
  for (const auto& b : s.backends) {
    long long n = 0;
    for (const auto& [name, f] : m.backends)
      if (name == b.options.name) n = f.first_requests;
    observed.push_back(n);
    weights.push_back(b.weight);
    counts += fmt::format("{}{} {} (weight {})", counts.empty() ? "" : ", ", b.options.name, n,
                          b.weight);
  }
  // Answers from backends the scenario does not declare are shown, never silently dropped.
  for (const auto& [name, f] : m.backends) {
    const bool declared =
        std::any_of(s.backends.begin(), s.backends.end(),
                    [&n = name](const BackendSpec& b) { return b.options.name == n; });
    if (!declared && f.first_requests > 0)
      counts +=
          fmt::format("{}{} {} (not declared)", counts.empty() ? "" : ", ", name, f.first_requests);
  }
  chi = chi_square_goodness_of_fit(observed, weights);
  c.expected = fmt::format("p >= {}", s.expect.alpha);
  c.observed = chi.p_value;
  if (s.expect.distribution == DistributionExpect::kOff) {
    c.verdict = Verdict::kNotApplicable;
    c.expected = "not checked";
    c.explanation = "new sessions per backend: " + counts + " (expect.distribution is off)";
    return c;
  }
  if (!s.disturbances.empty()) {
    c.verdict = Verdict::kNotApplicable;
    c.expected = "not checked";
    c.explanation = "new sessions per backend: " + counts +
                    " (the disturbances changed which backends could take sessions mid-run)";
    return c;
  }
  if (!chi.applicable) {
    c.verdict = Verdict::kNotApplicable;
    c.explanation = fmt::format("new sessions per backend: {}; {}", counts, chi.reason);
    return c;
  }
  const bool fair = chi.p_value >= s.expect.alpha;
  const bool want_fair = s.expect.distribution == DistributionExpect::kFair;
  if (!want_fair) c.expected = fmt::format("p < {}", s.expect.alpha);
  c.verdict = fair == want_fair ? Verdict::kPass : Verdict::kFail;
  c.explanation = fmt::format(
      "new sessions per backend: {}; chi-square {:.2f} with {} degrees of freedom over n = {} "
      "first requests, p = {:.4g} ({} at alpha {})",
      counts, chi.statistic, chi.df, chi.n, chi.p_value,
      fair ? "consistent with the weights" : "NOT consistent with the weights", s.expect.alpha);
  if (!want_fair)
    c.explanation += "; this scenario is a negative control: the spread must be uneven";
  if (!fair)
    if (auto why = diagnose_distribution(s, m); !why.empty()) c.explanation += ". Cause: " + why;
  return c;
}

CheckResult check_moves(const Scenario& s, const Metrics& m) {
  CheckResult c = count_at_most("moves", m.max_session_switches, s.expect.max_moves_per_session);
  c.explanation = fmt::format(
      "the most backend switches within one session: {}; {} of {} sessions switched exactly "
      "once, between their first and second request",
      m.max_session_switches, m.sessions_moved_after_first_only, m.sessions);
  return c;
}

}  // namespace

Evaluation evaluate(const Scenario& s, const Metrics& m, const std::vector<std::string>& causes,
                    const RunEvidence& evidence) {
  Evaluation e;
  e.diagnosis = causes;
  for (auto& why : diagnose(s, m, evidence)) e.diagnosis.push_back(std::move(why));
  e.checks.push_back(check_errors(s, m));
  e.checks.push_back(check_affinity(s, m, e.diagnosis));
  e.checks.push_back(check_losses(s, m));
  e.checks.push_back(check_distribution(s, m, e.distribution));
  if (s.expect.max_moves_per_session >= 0) e.checks.push_back(check_moves(s, m));
  if (!e.distribution.applicable || e.distribution.p_value >= s.expect.alpha) return e;
  if (auto why = diagnose_distribution(s, m); !why.empty()) e.diagnosis.push_back(why);
  return e;
}

}  // namespace sc
