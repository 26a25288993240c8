#pragma once
// What a probe's verdict may claim from what it saw. A PASS needs evidence that could have
// failed: backends told apart by something that names them (a balancer cookie of the
// catalogue, a header, the user's --identify), answers from the application's pages rather
// than redirects or error pages. Otherwise the checks that need it are inconclusive (exit 3),
// saying why and what would decide them; losses are judged whatever the identity. Pure.
#include <string>

#include "checks/checks.hpp"
#include "checks/metrics.hpp"

namespace sc {

// How the backends were told apart.
enum class IdentityStrength {
  none,       // nothing told them apart
  candidate,  // a cookie found by its behaviour alone: it may name backends, or not
  single,     // a source that named one backend for every session: it cannot show a switch
  evidence,   // a catalogue cookie, a header, or the user's --identify
};

struct ProbeJudgement {
  IdentityStrength strength = IdentityStrength::none;
  std::string candidate;        // the candidate cookie's name
  std::string candidate_tried;  // what the probe checked the candidate against, one sentence
  std::string identity_misses;  // ProbeReader::explicit_misses(): why --identify named none
  std::string source;           // what named the backends ("header:X-Served-By (as told)")
  std::string only_value;       // the one backend a single-valued source named
  long long sessions = 0;
  bool one_request = false;     // each session made one request: nothing could move
  // A loss could have been seen: --lost-when was given, or a request sent back a session
  // cookie whose re-issue the probe reads (not a sealed one).
  bool losses_observable = true;
  // Why not, when a request sent back a session cookie: the application adopted a made-up id
  // (LossCanary::said). Empty: no such cookie was sent back.
  std::string losses_unseen_why;
  std::string answers_problem;  // answers_cause(): most answers were not the application's
  bool affinity_checked = true;  // false with --expect losses
};

// Tells the user what to name with --identify; said wherever nothing names the backend.
std::string how_to_identify();

// "1990 of the 2000 answers were not 2xx: 404 (1990); ...": most answers were redirects or
// 4xx, so the probe saw no page of the application; with a redirect's example and what to
// try. "" when most answers were 2xx or 5xx (the errors check judges those).
// `protocol_losses`: answers that are a protocol's own sign of a lost session (socket.io's
// 400 "Session ID unknown"), the application's answers all the same, not counted as odd.
std::string answers_cause(const Metrics& m, const std::string& redirect_example,
                          long long protocol_losses = 0);

// Settles each check by what the evidence can support: affinity and distribution need the
// backends told apart (not judged with --expect losses); no PASS stands on answers that never
// reached the application.
void settle_probe_checks(Evaluation& e, const ProbeJudgement& j);

}  // namespace sc
