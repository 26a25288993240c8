#include "util/text.hpp"

#include <gtest/gtest.h>

namespace sc {
namespace {

TEST(ClosestMatch, SuggestsOnlyLikelyTypos) {
  EXPECT_EQ(closest_match("sesions", {"sessions", "concurrency"}), "sessions");
  EXPECT_EQ(closest_match("colour", {"sessions", "concurrency"}), "");
}

TEST(PercentDecode, DecodesValidAndKeepsInvalidSequences) {
  EXPECT_EQ(percent_decode("/a%3Bjsessionid%3Dx.1"), "/a;jsessionid=x.1");
  EXPECT_EQ(percent_decode("%zz%4"), "%zz%4");
  EXPECT_EQ(percent_decode("%41"), "A");
}

TEST(ParseDuration, RefusesNanAndInfinity) {
  EXPECT_EQ(parse_duration("1.5s"), std::chrono::milliseconds(1500));
  for (const char* bad : {"nans", "nanms", "infs", "-1s"}) EXPECT_FALSE(parse_duration(bad)) << bad;
}

}  // namespace
}  // namespace sc
