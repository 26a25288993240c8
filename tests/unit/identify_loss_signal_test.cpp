// The made-up session id that shows whether a lost session would be seen (identify/loss_signal).
#include <gtest/gtest.h>

#include <random>

#include "identify/loss_signal.hpp"

namespace sc::identify {
namespace {

const auto kCanaryNow = std::chrono::system_clock::time_point{} + std::chrono::hours(24 * 365 * 56);

TEST(MadeUpSessionId, KeepsTheShapeOfAHexPhpId) {
  std::mt19937_64 random(7);
  const std::string seen = "9f86d081884c7d659a2feaa0c55ad015";
  const std::string id = made_up_session_id(seen, random);
  EXPECT_NE(id, seen);
  ASSERT_EQ(id.size(), seen.size());
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
}

TEST(MadeUpSessionId, KeepsSeparatorsCaseAndARouteDot) {
  std::mt19937_64 random(7);
  const std::string seen = "AbCdEfGhIjK-lmnop_QR.node1";
  const std::string id = made_up_session_id(seen, random);
  ASSERT_EQ(id.size(), seen.size());
  EXPECT_NE(id, seen);
  for (std::size_t i = 0; i < seen.size(); ++i) {
    const char a = seen[i], b = id[i];
    if (std::isdigit(static_cast<unsigned char>(a)))
      EXPECT_TRUE(std::isdigit(b)) << id;
    else if (std::isupper(static_cast<unsigned char>(a)))
      EXPECT_TRUE(std::isupper(b)) << id;
    else if (std::islower(static_cast<unsigned char>(a)))
      EXPECT_TRUE(std::islower(b)) << id;
    else
      EXPECT_EQ(a, b) << id;
  }
}

TEST(MadeUpSessionId, AnIdWithNothingToReplaceStillDiffers) {
  std::mt19937_64 random(7);
  EXPECT_EQ(made_up_session_id("--", random), "--0");
}

TEST(MadeUpAnswer, ANewIdForTheMadeUpOneIsLive) {
  EXPECT_EQ(
      read_made_up_answer("PHPSESSID", "abc123",
                          {"lang=en; Path=/", "PHPSESSID=def456; path=/; HttpOnly"}, kCanaryNow),
      LossSignal::live);
}

TEST(MadeUpAnswer, NoNewIdMeansTheIdWasAdopted) {
  EXPECT_EQ(read_made_up_answer("PHPSESSID", "abc123", {"lang=en; Path=/"}, kCanaryNow),
            LossSignal::adopted);
  // PHP re-sends the cookie it adopted (session_regenerate_id not called): the same value.
  EXPECT_EQ(read_made_up_answer("PHPSESSID", "abc123", {"PHPSESSID=abc123; path=/"}, kCanaryNow),
            LossSignal::adopted);
}

TEST(MadeUpAnswer, ADeletionIsNoReissueAndAnotherCookieIsNotRead) {
  EXPECT_EQ(
      read_made_up_answer("PHPSESSID", "abc123",
                          {"PHPSESSID=deleted; expires=Thu, 01 Jan 1970 00:00:01 GMT"}, kCanaryNow),
      LossSignal::adopted);
  EXPECT_EQ(read_made_up_answer("PHPSESSID", "abc123", {"JSESSIONID=zzz9; path=/"}, kCanaryNow),
            LossSignal::adopted);
}

}  // namespace
}  // namespace sc::identify
