// The mock backend's bounded session store: a limit on sessions and idle expiry, O(1) each.
#include "backend/session_store.hpp"

#include <gtest/gtest.h>

namespace sc {
namespace {

using Clock = SessionStore::Clock;
using std::chrono::milliseconds;

const Clock::time_point t0{};

SessionStore store(std::size_t max, milliseconds lifetime = milliseconds(1000)) {
  return SessionStore(SessionLimits{max, lifetime});
}

TEST(SessionStore, KnownSessionCountsItsHits) {
  auto s = store(10);
  ASSERT_TRUE(s.start("a", t0));
  long long hits = 0;
  EXPECT_EQ(s.touch("a", t0, hits), SessionState::kKnown);
  EXPECT_EQ(hits, 2);
  EXPECT_EQ(s.touch("b", t0, hits), SessionState::kUnknown);
}

TEST(SessionStore, SessionIdleLongerThanTheLifetimeExpiresOnceThenIsForgotten) {
  auto s = store(10);
  ASSERT_TRUE(s.start("a", t0));
  long long hits = 0;
  EXPECT_EQ(s.touch("a", t0 + milliseconds(1001), hits), SessionState::kExpired);
  EXPECT_EQ(s.size(), 0u);
  EXPECT_EQ(s.touch("a", t0 + milliseconds(1002), hits), SessionState::kUnknown);
}

TEST(SessionStore, EveryRequestRestartsTheIdleTime) {
  auto s = store(10);
  ASSERT_TRUE(s.start("a", t0));
  long long hits = 0;
  EXPECT_EQ(s.touch("a", t0 + milliseconds(900), hits), SessionState::kKnown);
  EXPECT_EQ(s.touch("a", t0 + milliseconds(1800), hits), SessionState::kKnown);
  EXPECT_EQ(hits, 3);
}

TEST(SessionStore, FullStoreRefusesANewSessionWhileEveryHeldOneIsAlive) {
  auto s = store(2);
  ASSERT_TRUE(s.start("a", t0));
  ASSERT_TRUE(s.start("b", t0));
  EXPECT_FALSE(s.start("c", t0 + milliseconds(1000)));
  EXPECT_EQ(s.size(), 2u);
  long long hits = 0;
  EXPECT_EQ(s.touch("c", t0, hits), SessionState::kUnknown);
  EXPECT_EQ(s.touch("a", t0, hits), SessionState::kKnown);
}

TEST(SessionStore, FullStoreReusesTheSlotOfTheLeastRecentlyUsedExpiredSession) {
  auto s = store(2);
  ASSERT_TRUE(s.start("a", t0));
  ASSERT_TRUE(s.start("b", t0));
  long long hits = 0;
  // a is used again, so b is now the least recently used; at 1600 ms b has expired, a not.
  ASSERT_EQ(s.touch("a", t0 + milliseconds(800), hits), SessionState::kKnown);
  EXPECT_TRUE(s.start("c", t0 + milliseconds(1600)));
  EXPECT_EQ(s.size(), 2u);
  EXPECT_EQ(s.touch("b", t0 + milliseconds(1600), hits), SessionState::kUnknown);
  EXPECT_EQ(s.touch("a", t0 + milliseconds(1600), hits), SessionState::kKnown);
  EXPECT_EQ(s.touch("c", t0 + milliseconds(1600), hits), SessionState::kKnown);
}

TEST(SessionStore, StaysWithinItsBoundUnderManyUniqueIds) {
  auto s = store(100, milliseconds(1));
  for (int i = 0; i < 10'000; ++i) s.start("id" + std::to_string(i), t0 + milliseconds(i * 2));
  EXPECT_EQ(s.size(), 100u);
}

}  // namespace
}  // namespace sc
