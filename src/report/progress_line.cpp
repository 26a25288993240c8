#include "report/progress_line.hpp"

#include <fmt/format.h>

#include "util/text.hpp"

namespace sc {

std::string format_progress(const std::string& name, const DriverProgress& p) {
  const double seconds = std::chrono::duration<double>(p.elapsed).count();
  const double rate = seconds > 0 ? static_cast<double>(p.done) / seconds : 0;
  std::string eta = "?";
  if (rate > 0 && p.total >= p.done)
    eta = fmt::format("{:.0f}s", static_cast<double>(p.total - p.done) / rate);
  return fmt::format("{}: {}/{} requests, {:.0f}/s, {} error{}, {} move{}, ETA {}",
                     terminal_safe(name), p.done, p.total, rate, p.errors, p.errors == 1 ? "" : "s",
                     p.moves, p.moves == 1 ? "" : "s", eta);
}

void ProgressPrinter::update(const std::string& name, const DriverProgress& p,
                             Clock::time_point now) {
  const auto interval =
      terminal_ ? std::chrono::milliseconds(100) : std::chrono::milliseconds(10000);
  if (printed_once_ && now - last_ < interval) return;
  // A log gets no line for a run that ends before its first interval.
  if (!terminal_ && !printed_once_ && p.elapsed < interval) return;
  printed_once_ = true;
  last_ = now;
  ++lines_;
  if (terminal_) {
    fmt::print(out_, "\r\x1b[2K{}", format_progress(name, p));
    drawn_ = true;
  } else {
    fmt::print(out_, "stickycheck: {}\n", format_progress(name, p));
  }
  std::fflush(out_);
}

void ProgressPrinter::finish() {
  if (drawn_) fmt::print(out_, "\r\x1b[2K");
  drawn_ = false;
  printed_once_ = false;
  std::fflush(out_);
}

}  // namespace sc
