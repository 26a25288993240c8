// The scenario summary's line on where the time went.
#include <gtest/gtest.h>

#include "report/terminal.hpp"

namespace sc {
namespace {

TEST(Timings, SummaryLineNamesEveryPhaseAndThePeakMemory) {
  const Timings t{0.21, 3.4, 0.05, 0.01, 0.12, 48LL << 20};
  EXPECT_EQ(timings_text(t),
            "time: start-up 0.21 s, traffic 3.40 s, checks 0.05 s, report 0.01 s, "
            "tear-down 0.12 s; peak memory 48.0 MiB");
}

TEST(Timings, SummaryLineNamesTheClientThatCarriedTheTraffic) {
  const Timings t{0.21, 3.4, 0.05, 0.01, 0.12, 48LL << 20};
  EXPECT_EQ(timings_text(t, "lean"),
            "time: start-up 0.21 s, traffic 3.40 s, checks 0.05 s, report 0.01 s, "
            "tear-down 0.12 s; peak memory 48.0 MiB; client lean");
}

}  // namespace
}  // namespace sc
