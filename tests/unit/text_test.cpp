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

// Octal escapes below where a hex escape would swallow the next character.
TEST(TerminalSafe, RemovesColourCursorAndTitleSequences) {
  EXPECT_EQ(terminal_safe("\x1b[31mred\x1b[0m \x1b[2J\x1b[1;1Hx"), "red x");
  EXPECT_EQ(terminal_safe("\x1b]0;pwned\x07name"), "name");  // a title, ended by BEL
  EXPECT_EQ(terminal_safe("\x1b]8;;http://e.vil\x1b\\link\x1b]8;;\x1b\\"), "link");  // by ST
  EXPECT_EQ(terminal_safe("a\033cb\033(0c"), "abc");  // a reset; a charset selection
  EXPECT_EQ(terminal_safe("\x1bP$q\x1b\\d"), "d");    // a device control string
  EXPECT_EQ(terminal_safe("cut\x1b"), "cut");         // a sequence cut short
}

TEST(TerminalSafe, RemovesC0AndC1ControlsButKeepsTabsAndUtf8) {
  using namespace std::string_view_literals;
  EXPECT_EQ(terminal_safe("PASS\rFAIL\nx\x07\x08\x7f\x00y\tz"sv), "PASSFAILxy\tz");
  EXPECT_EQ(terminal_safe("\302\2332Jx\302\2350;t\302\234y\302\205z"), "xyz");  // CSI, OSC, NEL
  EXPECT_EQ(terminal_safe("caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x8d\xaa"),
            "caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x8d\xaa");
}

TEST(TerminalSafe, BytesThatAreNotUtf8BecomeQuestionMarks) {
  EXPECT_EQ(terminal_safe("a\23331mb\xff\xc3"), "a?31mb??");  // a raw 8-bit CSI is inert
  EXPECT_EQ(terminal_safe("\xc0\xaf\xed\xa0\x80"), "?????");  // overlong, surrogate
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
