#pragma once
// What a probe's verdict may claim from what it saw. A PASS needs evidence that could have
// failed: backends told apart by something that names them (a balancer cookie of the
// catalogue, a header, the user's --identify), answers from the application's pages rather
// than redirects or error pages. Otherwise the checks that need it are inconclusive (exit 3),
// saying why and what would decide them; losses are judged whatever the identity. Pure.
#include <string>

#include "checks/checks.hpp"
#include "checks/metrics.hpp"
#include "checks/probe_judgement.hpp"

namespace sc {

// Whether the figures could show a session moving at all: not with one backend for
// everything, one session, or one request each (a source that names backends is then
// `single`).
bool could_show_a_move(const Metrics& m, bool one_request);

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
