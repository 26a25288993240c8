// The live progress line: what it says, and how often it is drawn on a terminal and in a log.
#include "report/progress_line.hpp"

#include <gtest/gtest.h>

#include <cstdio>

namespace sc {
namespace {

using namespace std::chrono_literals;

DriverProgress at(std::size_t done, std::chrono::milliseconds elapsed) {
  DriverProgress p;
  p.done = done;
  p.total = 2000;
  p.errors = 3;
  p.moves = 1;
  p.elapsed = elapsed;
  return p;
}

std::string printed(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string out;
  char buf[512];
  while (auto n = std::fread(buf, 1, sizeof buf, f)) out.append(buf, n);
  return out;
}

TEST(ProgressLine, SaysDoneTotalRateErrorsMovesAndEta) {
  EXPECT_EQ(format_progress("s", at(1000, 2000ms)),
            "s: 1000/2000 requests, 500/s, 3 errors, 1 move, ETA 2s");
}

TEST(ProgressLine, TerminalRedrawsInPlaceAtMostTenTimesASecond) {
  std::FILE* f = std::tmpfile();
  ProgressPrinter p(f, true);
  const auto t0 = ProgressPrinter::Clock::time_point{} + 1h;
  p.update("s", at(10, 50ms), t0);
  p.update("s", at(20, 100ms), t0 + 50ms);   // too soon
  p.update("s", at(30, 150ms), t0 + 100ms);  // 100 ms later: drawn
  p.finish();
  EXPECT_EQ(p.lines_printed(), 2);
  const std::string out = printed(f);
  EXPECT_EQ(out.rfind("\r\x1b[2K", 0), 0u);
  EXPECT_EQ(out.find('\n'), std::string::npos);  // the line is redrawn, never scrolled
  std::fclose(f);
}

TEST(ProgressLine, LogGetsAPlainLineAtMostEveryTenSeconds) {
  std::FILE* f = std::tmpfile();
  ProgressPrinter p(f, false);
  const auto t0 = ProgressPrinter::Clock::time_point{} + 1h;
  p.update("s", at(10, 5000ms), t0);            // a run shorter than 10 s prints nothing
  p.update("s", at(20, 10000ms), t0 + 5s);      // first line at 10 s of traffic
  p.update("s", at(30, 15000ms), t0 + 10s);     // too soon
  p.update("s", at(40, 20000ms), t0 + 15s);     // 10 s after the last
  EXPECT_EQ(p.lines_printed(), 2);
  EXPECT_EQ(printed(f),
            "stickycheck: s: 20/2000 requests, 2/s, 3 errors, 1 move, ETA 990s\n"
            "stickycheck: s: 40/2000 requests, 2/s, 3 errors, 1 move, ETA 980s\n");
  std::fclose(f);
}

}  // namespace
}  // namespace sc
