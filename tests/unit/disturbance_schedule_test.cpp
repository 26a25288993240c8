// When disturbances fire, with a fake for the actions.
#include "runner/disturbance_schedule.hpp"

#include <gtest/gtest.h>

namespace sc {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

struct RecordingActions : DisturbanceActions {
  std::vector<std::string> applied;
  std::string fail_for;
  Status apply(const DisturbanceSpec& d) override {
    applied.push_back(std::string(to_string(d.action)) + " " + d.backend);
    if (d.backend == fail_for) return Error{d.backend + " is not running"};
    return ok_status();
  }
};

DisturbanceSpec at_share(DisturbanceAction a, const std::string& b, double share) {
  DisturbanceSpec d;
  d.action = a;
  d.backend = b;
  d.at_share = share;
  return d;
}

DisturbanceSpec at_time(DisturbanceAction a, const std::string& b, milliseconds t) {
  DisturbanceSpec d;
  d.action = a;
  d.backend = b;
  d.at_time = t;
  return d;
}

TEST(DisturbanceSchedule, ShareOfRequestsAndTimeInOrder) {
  DisturbanceSchedule s({at_time(DisturbanceAction::kStop, "www1", milliseconds(200)),
                         at_share(DisturbanceAction::kResume, "www1", 0.1)},
                        1000);
  RecordingActions a;
  auto clock = [] { return microseconds(777); };
  s.tick(500, microseconds(100'000), a, clock);  // the resume is due, but the stop is not
  EXPECT_TRUE(a.applied.empty());
  s.tick(500, microseconds(200'000), a, clock);
  EXPECT_EQ(a.applied, (std::vector<std::string>{"stop www1", "resume www1"}));
  EXPECT_FALSE(s.pending());
  EXPECT_EQ(s.fired()[0].at_us, 777);  // when the action was complete
  EXPECT_EQ(s.fired()[1].requests_done, 500u);
}

TEST(DisturbanceSchedule, ShareRoundsUpAndAFailedActionIsRecorded) {
  DisturbanceSchedule s({at_share(DisturbanceAction::kKill, "www3", 0.45)}, 11);
  RecordingActions a;
  a.fail_for = "www3";
  auto clock = [] { return microseconds(1); };
  s.tick(4, microseconds(0), a, clock);  // 45% of 11 is 4.95: due at 5 requests
  EXPECT_TRUE(a.applied.empty());
  s.tick(5, microseconds(0), a, clock);
  ASSERT_EQ(s.fired().size(), 1u);
  EXPECT_EQ(s.fired()[0].error, "www3 is not running");
}

TEST(DisturbanceSchedule, NeverDueStaysUnfired) {
  DisturbanceSchedule s({at_time(DisturbanceAction::kKill, "www1", milliseconds(5000))}, 10);
  RecordingActions a;
  s.tick(10, microseconds(1'000'000), a, [] { return microseconds(0); });
  EXPECT_TRUE(s.pending());
  EXPECT_EQ(s.fired()[0].at_us, -1);
}

}  // namespace
}  // namespace sc
