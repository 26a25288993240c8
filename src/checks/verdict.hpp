#pragma once
// What a check concludes, and the process exit code a run's verdicts stand for. Both live
// here, below the report and the command line, so neither has to reach up for the other.

namespace sc {

// Inconclusive: the check could have been judged, but the evidence cannot decide it (a
// backend identity that is only a candidate, answers that never reached the application).
enum class Verdict { kPass, kFail, kNotApplicable, kInconclusive };
const char* to_string(Verdict v);

// The tool's exit codes; CI must tell "the balancer is wrong" (1) from "the tester broke" (3).
enum ExitCode : int {
  kExitOk = 0,
  kExitCheckFailed = 1,
  kExitBadInput = 2,
  kExitCannotRun = 3,
  kExitInterrupted = 130,
};

}  // namespace sc
