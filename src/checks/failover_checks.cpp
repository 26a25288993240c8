#include <fmt/format.h>

#include "checks/checks.hpp"

namespace sc {

namespace {

std::string ms(std::int64_t us) { return fmt::format("{:.0f} ms", us / 1000.0); }

std::string label(const FiredDisturbance& d, std::size_t i) {
  return fmt::format("disturbances[{}] ({} {} at {})", i, to_string(d.spec.action), d.spec.backend,
                     d.spec.at_text);
}

// What happened to the sessions bound to the disturbed backend, in one sentence.
std::string story(const FailoverFigures& f) {
  return fmt::format(
      "{} sessions were bound to {}; of their {} later requests {} were answered by {}, {} by "
      "other backends ({} of them without their session), {} failed; {} sessions moved, {} were "
      "served again (median {}, longest {} after the disturbance), {} never were; {} requests "
      "in flight at that moment failed",
      f.bound_sessions, f.backend, f.requests_after, f.served_by_disturbed, f.backend,
      f.served_elsewhere, f.lost, f.errors, f.sessions_moved, f.sessions_recovered,
      ms(f.recovery_p50_us), ms(f.recovery_max_us), f.sessions_failed, f.in_flight_failed);
}

// Every failed later request ended within expect.max_recovery of the disturbance.
bool within_window(const Scenario& s, const FailoverFigures& f) {
  return s.expect.max_recovery.count() > 0 &&
         f.last_error_us <= s.expect.max_recovery.count() * 1000;
}

// Nothing was tested: no session was bound to the backend when it was disturbed. That is no
// evidence either way, so the check is inconclusive, and says why.
std::string nothing_bound(const FailoverFigures& f) {
  if (f.last_answer_before_us < 0)
    return fmt::format(
        "no session was bound to {} when it was disturbed: it had answered nothing yet, so "
        "nothing was tested; disturb it later or send more traffic",
        f.backend);
  return fmt::format(
      "no session was bound to {} when it was disturbed: its sessions had all ended (its last "
      "answer came {} after the traffic began, and the balancer sent no new session there "
      "since), so nothing was tested; send longer sessions (more requests_per_session) so "
      "that some are under way when it is disturbed",
      f.backend, ms(f.last_answer_before_us));
}

CheckResult untested(CheckResult c, const FailoverFigures& f) {
  c.verdict = Verdict::kInconclusive;
  c.explanation = nothing_bound(f);
  return c;
}

CheckResult check_disturbed(const Scenario& s, const FailoverFigures& f, const std::string& id) {
  CheckResult c;
  c.id = id + ".disturbed_sessions";
  const auto& want = s.expect.disturbed_sessions;
  c.expected = want;
  const double n = static_cast<double>(f.requests_after);
  if (want == "stay") {
    c.observed = n ? f.served_by_disturbed / n : 1;
    c.verdict = f.served_by_disturbed == f.requests_after ? Verdict::kPass : Verdict::kFail;
    c.expected = "stay: every later request answered by the disturbed backend";
  } else if (want == "move" || want == "move_after_errors") {
    // move: failed over at once, no request of theirs fails; move_after_errors: some fail
    // first (until a health check or retry gives up on the backend), then all move.
    c.observed = f.bound_sessions ? double(f.sessions_moved) / f.bound_sessions : 1;
    // After errors, a session whose every later request fell in the error window had no
    // chance to move; it counts against the setup only if a failure came after max_recovery.
    const bool moved =
        f.served_by_disturbed == 0 &&
        (f.sessions_failed == 0 || (want == "move_after_errors" && within_window(s, f)));
    // The requests in flight when the backend died are its users' first errors too: where the
    // retries outlast the health check, they are the only ones (no later request meets it).
    const bool errors_as_expected =
        want == "move" ? f.errors == 0 : f.errors + f.in_flight_failed > 0;
    c.verdict = moved && errors_as_expected ? Verdict::kPass : Verdict::kFail;
    c.expected = want == "move"
                     ? "move: every bound session served again, by other backends only, "
                       "without a failed request"
                     : "move_after_errors: some requests fail (in flight or later, all "
                       "within max_recovery), then the bound sessions are served by other backends only";
  } else {
    c.observed = n ? f.errors / n : 1;
    c.verdict = f.errors == f.requests_after ? Verdict::kPass : Verdict::kFail;
    c.expected = "fail: every later request fails (no silent move to another backend)";
  }
  if (f.bound_sessions == 0) return untested(std::move(c), f);
  c.explanation = story(f);
  return c;
}

}  // namespace

void add_failover_checks(const Scenario& s, const std::vector<FiredDisturbance>& fired,
                         const std::vector<FailoverFigures>& figures, Evaluation& e) {
  for (std::size_t i = 0; i < fired.size(); ++i) {
    const auto& d = fired[i];
    const std::string id = fmt::format("disturbances[{}]", i);
    CheckResult c;
    c.id = id + ".fired";
    c.expected = "carried out during the traffic";
    c.observed = d.at_us >= 0 && d.error.empty() ? 1 : 0;
    c.verdict = c.observed == 1 ? Verdict::kPass : Verdict::kFail;
    if (!d.error.empty())
      c.explanation = fmt::format("{} failed: {}", label(d, i), d.error);
    else if (d.at_us < 0)
      c.explanation = fmt::format("{} never fired: the traffic ended first", label(d, i));
    else
      c.explanation = fmt::format("{} fired {} after the traffic began, after {} requests",
                                  label(d, i), ms(d.at_us), d.requests_done);
    e.checks.push_back(c);
  }
  for (const auto& f : figures) {
    const auto& d = fired[f.disturbance];
    const std::string id = fmt::format("disturbances[{}]", f.disturbance);
    if (is_disruptive(d.spec.action) && !s.expect.disturbed_sessions.empty())
      e.checks.push_back(check_disturbed(s, f, id));
    if (is_disruptive(d.spec.action) && s.expect.max_recovery.count() > 0) {
      CheckResult c;
      c.id = id + ".recovery";
      c.observed = f.recovery_max_us / 1000.0;
      c.expected = fmt::format("<= {} ms, every bound session", s.expect.max_recovery.count());
      const bool failed_ok =
          f.sessions_failed == 0 ||
          (s.expect.disturbed_sessions == "move_after_errors" && within_window(s, f));
      c.verdict = failed_ok && f.recovery_max_us <= s.expect.max_recovery.count() * 1000
                      ? Verdict::kPass
                      : Verdict::kFail;
      c.explanation = story(f);
      e.checks.push_back(f.bound_sessions > 0 ? c : untested(c, f));
    }
    CheckResult col =
        count_at_most(id + ".collateral", f.collateral_sessions, s.expect.max_collateral);
    col.explanation = fmt::format(
        "{} sessions bound to other backends than {} were later answered by a backend other "
        "than their own{}",
        f.collateral_sessions, f.backend,
        d.spec.action == DisturbanceAction::kAdd
            ? " (a scale-out must not move existing sessions)"
            : " (a correct setup moves only the disturbed backend's sessions)");
    e.checks.push_back(col);
    if (d.spec.action == DisturbanceAction::kKill || d.spec.action == DisturbanceAction::kStop ||
        d.spec.action == DisturbanceAction::kDrain ||
        d.spec.action == DisturbanceAction::kDisable) {
      CheckResult ns;
      ns.id = id + ".new_sessions";
      ns.observed = static_cast<double>(f.new_sessions_on_disturbed);
      ns.expected = "0";
      ns.verdict = f.new_sessions_on_disturbed == 0 ? Verdict::kPass : Verdict::kFail;
      ns.explanation = fmt::format(
          "{} sessions that began after the disturbance were answered by {} (after '{}', new "
          "sessions must go elsewhere)",
          f.new_sessions_on_disturbed, f.backend, to_string(d.spec.action));
      e.checks.push_back(ns);
    }
  }
}

}  // namespace sc
