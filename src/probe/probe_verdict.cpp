#include "probe/probe_verdict.hpp"

#include <fmt/format.h>

namespace sc {

namespace {

// Checks that compare backends: without backends told apart they say nothing.
bool needs_identity(const CheckResult& c) {
  return c.id != "errors" && c.id != "session_losses";
}

void make_inconclusive(CheckResult& c, const std::string& why) {
  c.verdict = Verdict::kInconclusive;
  c.explanation = why;
}

std::string candidate_text(const ProbeJudgement& j) {
  return fmt::format(
      "the backends were told apart only by the cookie {0}, which behaves like a routing cookie "
      "(one value per session, few values overall) but is not known to name backends: an A/B "
      "test or preference cookie behaves the same, so it is a candidate, not evidence{1}; if {0} "
      "names the backend, confirm it with --identify cookie:{0}, else name what does (--identify "
      "header:NAME, json:/POINTER or regex:PATTERN)",
      j.candidate, j.candidate_tried.empty() ? "" : " (" + j.candidate_tried + ")");
}

// Why a check that needs the backends told apart cannot be decided; "" when it can.
std::string identity_gap(const ProbeJudgement& j) {
  switch (j.strength) {
    case IdentityStrength::none:
      return fmt::format("nothing in the responses tells the backends apart{}, so this cannot be "
                         "judged; {}",
                         j.identity_misses.empty() ? "" : " (" + j.identity_misses + ")",
                         how_to_identify());
    case IdentityStrength::candidate:
      return candidate_text(j);
    case IdentityStrength::single:
      if (j.one_request)
        return "each session made one request, so none could have moved to another backend "
               "(give --requests-per-session 2 or more)";
      if (j.sessions < 2)
        return "only one session was probed: one session staying says nothing of the others "
               "(give --sessions 2 or more)";
      return fmt::format(
          "every answer of the {} sessions named the same backend ({}) through {}: one member "
          "served everything, or the source names the balancer or a cache rather than the "
          "application server; a source that never varies cannot show a switch (probe with more "
          "sessions, or name another source with --identify)",
          j.sessions, j.only_value, j.source);
    case IdentityStrength::evidence:
      break;
  }
  return "";
}

}  // namespace

std::string how_to_identify() {
  return "tell the probe what names the backend: --identify header:NAME (a response header), "
         "--identify cookie:NAME (an affinity cookie; cookie:NAME:. for an Apache .route "
         "suffix), --identify json:/POINTER (a field of a JSON body) or --identify "
         "regex:PATTERN (the first capture group in the body); or probe only session losses "
         "with --expect losses";
}

bool could_show_a_move(const Metrics& m, bool one_request) {
  return m.backends.size() != 1 && m.sessions >= 2 && !one_request;
}

std::string answers_cause(const Metrics& m, const std::string& redirect_example,
                          long long protocol_losses) {
  long long answers = 0, other = 0, redirects = 0;
  std::vector<std::pair<int, long long>> odd;
  for (auto [status, n] : m.statuses) {
    if (status <= 0) continue;
    answers += n;
    if (status == 400) n -= std::min(n, protocol_losses);
    if (n == 0) continue;
    if (status < 300 || status >= 500) continue;
    other += n;
    redirects += status < 400 ? n : 0;
    odd.emplace_back(status, n);
  }
  if (answers == 0 || other * 2 <= answers) return "";
  std::string hint;
  if (redirects * 2 > other)
    hint = fmt::format(
        "redirects{}: the site sends the sessions elsewhere (to https, another host, or a login "
        "page); probe the URL they lead to, or give the sessions a logged-in state with --cookie "
        "or --header",
        redirect_example.empty() ? "" : " (for example " + redirect_example + ")");
  else
    hint =
        "the probe saw no page of the application: a wrong path (--path), or a page that needs a "
        "login (give the sessions a logged-in state with --cookie or --header)";
  return fmt::format("{} of the {} answers were {}: {}, so affinity and losses cannot be judged "
                     "from them",
                     other, answers, status_counts_text(odd), hint);
}

namespace {

constexpr const char* kLossesUnseen =
    "no request sent back a session cookie whose re-issue the probe can read (none was set, or "
    "its value is sealed and re-made on every answer), so a lost session could not have been "
    "seen; name the application's own sign of a new session with --lost-when";

// A check that needs the backends told apart, when the identity cannot decide it. A single
// value only undecides a pass: a negative control that finds one member for everything, or a
// source the user vouched for failing, is a finding.
void settle_identity_check(CheckResult& c, const ProbeJudgement& j, const std::string& gap) {
  if (j.strength == IdentityStrength::single && c.verdict != Verdict::kPass) return;
  // Affinity is the question asked: undecided, never "not applicable".
  if (c.verdict != Verdict::kNotApplicable || c.id == "affinity")
    make_inconclusive(c, "could not judge: " + gap);
}

// Zero losses where none could have been seen: no evidence when nothing else is judged.
void settle_losses_check(CheckResult& c, bool affinity_judged, const std::string& why) {
  if (c.id != "session_losses" || c.verdict != Verdict::kPass) return;
  const std::string unseen = why.empty() ? kLossesUnseen : why;
  if (affinity_judged) {
    c.verdict = Verdict::kNotApplicable;
    c.explanation = "not judged: " + unseen;
  } else {
    make_inconclusive(c, "could not judge: " + unseen);
  }
}

}  // namespace

void settle_probe_checks(Evaluation& e, const ProbeJudgement& j) {
  const std::string gap = identity_gap(j);
  bool affinity_judged = false;
  for (auto& c : e.checks) {
    if (needs_identity(c) && !j.affinity_checked) {
      c.verdict = Verdict::kNotApplicable;
      c.expected = "not checked";
      c.explanation = "--expect losses judges only errors and session losses";
    } else if (needs_identity(c) && !gap.empty()) {
      settle_identity_check(c, j, gap);
    } else if (!j.answers_problem.empty() && c.verdict == Verdict::kPass && c.id != "errors") {
      make_inconclusive(c, "could not judge: " + j.answers_problem);
    }
    if (c.id == "affinity")
      affinity_judged = c.verdict == Verdict::kPass || c.verdict == Verdict::kFail;
  }
  if (j.losses_observable) return;
  for (auto& c : e.checks) settle_losses_check(c, affinity_judged, j.losses_unseen_why);
}

}  // namespace sc
