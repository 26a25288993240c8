// The rate's gate: slots at most one per 1/rate, each to a ready session chosen at random, so
// sessions in lockstep do not go out in a fixed rotation.
#include "driver/rate_gate.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace sc::detail {
namespace {

using namespace std::chrono_literals;
using Clock = DriveClock;

const Clock::time_point t0 = Clock::time_point{} + 1h;

TEST(RateGate, NoTwoSlotsAreCloserThanTheRate) {
  RateGate<int> gate(10.0, 1);  // a slot every 100 ms
  gate.ready(1);
  gate.ready(2);
  ASSERT_TRUE(gate.release(t0));
  EXPECT_EQ(gate.release(t0), std::nullopt);
  EXPECT_EQ(gate.release(t0 + 99ms), std::nullopt);
  EXPECT_EQ(gate.next_slot(), t0 + 100ms);
  EXPECT_TRUE(gate.release(t0 + 100ms));
  EXPECT_TRUE(gate.empty());
}

TEST(RateGate, NothingIsReleasedWhenNoSessionIsReady) {
  RateGate<int> gate(10.0, 1);
  EXPECT_EQ(gate.release(t0), std::nullopt);
  gate.ready(7);
  EXPECT_EQ(gate.release(t0 + 5s), std::optional<int>(7));  // an idle gate's slot is open
}

// Four sessions that are always ready again at once (in lockstep) behind a round robin of two
// servers: taken in the order they asked, each would always land on the same server. Their
// turns come in a random order instead, so every session meets both servers.
TEST(RateGate, SessionsInLockstepDoNotGoOutInARotation) {
  RateGate<int> gate(20.0, 1);
  for (int s = 0; s < 4; ++s) gate.ready(s);
  std::map<int, std::set<int>> servers_of;
  auto now = t0;
  for (int request = 0; request < 400; ++request) {
    auto s = gate.release(now);
    ASSERT_TRUE(s);
    servers_of[*s].insert(request % 2);  // the round robin's server for this request
    gate.ready(*s);
    now = gate.next_slot();
  }
  ASSERT_EQ(servers_of.size(), 4u);
  for (const auto& [session, servers] : servers_of) EXPECT_EQ(servers.size(), 2u) << session;
}

}  // namespace
}  // namespace sc::detail
