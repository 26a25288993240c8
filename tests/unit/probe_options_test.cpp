// `stickycheck probe`'s options read into the scenario they stand for, as the command line
// gives them; and the pause they set, spread as the driver draws it.
#include "cli/probe_options.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "driver/drive_common.hpp"
#include "runner/scenario_results.hpp"

namespace sc::cli {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

Result<Scenario> probe_from(std::vector<std::string> args) {
  CLI::App app;
  ProbeArgs a;
  add_probe_options(app.add_subcommand("probe"), a);
  args.insert(args.begin(), "probe");
  std::reverse(args.begin(), args.end());  // CLI11 takes a vector last argument first
  app.parse(args);
  return probe_scenario(a);
}

TEST(ProbeOptions, PauseBecomesTheTrafficPauseTheDriverIsGiven) {
  auto s = probe_from({"http://shop.example/", "--pause", "250ms"});
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->traffic.pause, milliseconds(250));
  EXPECT_EQ(driver_config_for(*s, s->target->url, -1).pause, milliseconds(250));
}

TEST(ProbeOptions, WithoutPauseSessionsDoNotPause) {
  auto s = probe_from({"http://shop.example/"});
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->traffic.pause, milliseconds(0));
}

TEST(ProbeOptions, BadPauseIsNamedByItsOption) {
  auto s = probe_from({"http://shop.example/", "--pause", "soon"});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message,
            "--pause: expected a duration such as 500ms or 5s (at most 1 hour), got 'soon'");
}

// What traffic.pause and --pause mean: each pause uniform in [0, 2 x pause], so that sessions
// that started together drift apart instead of meeting a round robin in step.
TEST(ProbeOptions, EachPauseIsDrawnFromZeroToTwiceTheMean) {
  std::mt19937 rng(1);
  const microseconds mean = milliseconds(250);
  microseconds low = mean * 2, high{0}, total{0};
  constexpr int kDraws = 4000;
  for (int i = 0; i < kDraws; ++i) {
    auto p = detail::draw_pause(mean, rng);
    low = std::min(low, p);
    high = std::max(high, p);
    total += p;
  }
  EXPECT_GE(low, microseconds(0));
  EXPECT_LT(low, mean / 10);
  EXPECT_LE(high, mean * 2);
  EXPECT_GT(high, mean * 19 / 10);
  EXPECT_NEAR(static_cast<double>((total / kDraws).count()), 250'000.0, 12'500.0);
}

}  // namespace
}  // namespace sc::cli
