#pragma once

namespace sc {

// The tool's exit codes; CI must tell "the balancer is wrong" (1) from "the tester broke" (3).
enum ExitCode : int {
  kExitOk = 0,
  kExitCheckFailed = 1,
  kExitBadInput = 2,
  kExitCannotRun = 3,
  kExitInterrupted = 130,
};

}  // namespace sc
