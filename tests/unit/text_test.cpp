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

TEST(HostName, LabelsOfLettersDigitsAndHyphens) {
  EXPECT_TRUE(valid_host_name("www.example.com"));
  EXPECT_TRUE(valid_host_name("127.0.0.1"));
  EXPECT_TRUE(valid_host_name("localhost"));
  EXPECT_FALSE(valid_host_name(""));
  EXPECT_FALSE(valid_host_name("www.example.com:8080"));
  EXPECT_FALSE(valid_host_name("http://x"));
  EXPECT_FALSE(valid_host_name("a..b"));
  EXPECT_FALSE(valid_host_name(".example.com"));
}

TEST(ChoiceKey, HyphenAndUnderscoreAreOneSpelling) {
  EXPECT_EQ(choice_key("session-start"), choice_key("session_start"));
  EXPECT_NE(choice_key("always"), choice_key("session_start"));
}

}  // namespace
}  // namespace sc
