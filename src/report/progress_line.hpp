#pragma once
// The live progress of a running scenario or probe: on a terminal one line redrawn in place at
// most ten times a second; in a log (CI) a plain line at most every ten seconds. The final
// output is printed elsewhere and does not change.
#include <chrono>
#include <cstdio>
#include <string>

#include "driver/driver.hpp"

namespace sc {

// "name: 1200/2000 requests, 850/s, 3 errors, 0 moves, ETA 1s".
std::string format_progress(const std::string& name, const DriverProgress& p);

class ProgressPrinter {
 public:
  using Clock = std::chrono::steady_clock;
  ProgressPrinter(std::FILE* out, bool terminal) : out_(out), terminal_(terminal) {}
  // Prints when the interval allows (`now` for tests).
  void update(const std::string& name, const DriverProgress& p, Clock::time_point now);
  void update(const std::string& name, const DriverProgress& p) { update(name, p, Clock::now()); }
  // Clears a terminal line before other output.
  void finish();
  int lines_printed() const { return lines_; }

 private:
  std::FILE* out_;
  bool terminal_;
  bool drawn_ = false;  // a terminal line is on screen
  bool printed_once_ = false;
  Clock::time_point last_{};
  int lines_ = 0;
};

}  // namespace sc
