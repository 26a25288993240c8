#pragma once
// Phase timings for the report: a stopwatch read lap by lap, and the process' peak memory.
#include <chrono>

namespace sc {

class Stopwatch {
 public:
  using Clock = std::chrono::steady_clock;
  // Seconds since the previous lap (or the start), and starts the next one.
  double lap() {
    const auto now = Clock::now();
    const double s = std::chrono::duration<double>(now - last_).count();
    last_ = now;
    return s;
  }
  double total() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

 private:
  Clock::time_point start_ = Clock::now();
  Clock::time_point last_ = start_;
};

// This process' peak resident memory so far (VmHWM), in bytes; 0 when the system does not say.
long long peak_rss_bytes();

}  // namespace sc
