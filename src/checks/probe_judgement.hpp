#pragma once
// How far a probe's identity of the backends can be trusted: what its verdict may claim
// (probe/probe_verdict.hpp settles the checks by it), kept in the report for a merge.
#include <string>

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
  bool one_request = false;  // each session made one request: nothing could move
  // A loss could have been seen: --lost-when was given, or a request sent back a session
  // cookie whose re-issue the probe reads (not a sealed one).
  bool losses_observable = true;
  // Why not, when a request sent back a session cookie: the application adopted a made-up id
  // (LossCanary::said). Empty: no such cookie was sent back.
  std::string losses_unseen_why;
  std::string answers_problem;   // answers_cause(): most answers were not the application's
  bool affinity_checked = true;  // false with --expect losses
  // How a loss showed (losses_seen_as) and whether a cause of more weight explained the
  // losses: what a merge needs to say the losses cause again from the merged count.
  std::string losses_seen_as;
  bool losses_explained = false;
};

inline const char* to_string(IdentityStrength s) {
  switch (s) {
    case IdentityStrength::none:
      return "none";
    case IdentityStrength::candidate:
      return "candidate";
    case IdentityStrength::single:
      return "single";
    case IdentityStrength::evidence:
      return "evidence";
  }
  return "none";
}

}  // namespace sc
