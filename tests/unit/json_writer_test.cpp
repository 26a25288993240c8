// JsonWriter: compact JSON as nlohmann's dump(-1) writes it, valid whatever bytes go in.
#include "util/json_writer.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>

namespace sc {
namespace {

std::string escaped(std::string_view s) {
  std::string out;
  append_json_escaped(out, s);
  return out;
}

TEST(JsonWriter, NestedContainersAreWrittenAsNlohmannDumpsThem) {
  std::string out;
  JsonWriter json(out);
  json.begin_object().key("a").begin_array().integer(-3).boolean(true).begin_object();
  json.key("k").string("v").end_object().begin_array().end_array().end_array();
  json.key("b").begin_object().end_object().key("c").integer(12345678901234).end_object();
  const auto expected = nlohmann::json::parse(
      R"({"a":[-3,true,{"k":"v"},[]],"b":{},"c":12345678901234})");
  EXPECT_EQ(out, expected.dump(-1));
}

TEST(JsonWriter, AsciiIsEscapedAsNlohmannEscapesIt) {
  for (int c = 0; c < 0x80; ++c) {
    const std::string s(1, static_cast<char>(c));
    const std::string dumped = nlohmann::json(s).dump(-1);
    EXPECT_EQ("\"" + escaped(s) + "\"", dumped) << "byte " << c;
  }
}

TEST(JsonWriter, WellFormedUtf8IsKeptAsItIs) {
  const std::string s = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf";
  EXPECT_EQ(escaped(s), s);
}

TEST(JsonWriter, IllFormedUtf8BecomesOneReplacementPerMaximalSubpart) {
  const std::string r = "\xef\xbf\xbd";
  EXPECT_EQ(escaped("\xbf\xff"), r + r);
  EXPECT_EQ(escaped("a\xc3"), "a" + r);             // truncated at the end
  EXPECT_EQ(escaped("\xe2\x82z"), r + "z");         // a truncated sequence is one subpart
  EXPECT_EQ(escaped("\xe0\x80\x80"), r + r + r);    // overlong: the lead alone is ill-formed
  EXPECT_EQ(escaped("\xed\xa0\x80"), r + r + r);    // a surrogate
  EXPECT_EQ(escaped("\xf4\x90\x80\x80"), r + r + r + r);  // past U+10FFFF
  EXPECT_EQ(escaped("\xc0\xaf"), r + r);
}

TEST(JsonWriter, AnyBytesGiveJsonThatParsesBack) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> byte(0, 255), length(0, 24);
  for (int i = 0; i < 2000; ++i) {
    std::string s(static_cast<std::size_t>(length(rng)), '\0');
    for (auto& c : s) c = static_cast<char>(byte(rng));
    std::string out;
    JsonWriter(out).begin_object().key(s).string(s).end_object();
    const auto parsed = nlohmann::json::parse(out, nullptr, false);
    ASSERT_FALSE(parsed.is_discarded()) << out;
    ASSERT_EQ(parsed.size(), 1u);
    EXPECT_EQ(parsed.begin().key(), parsed.begin().value().get<std::string>());
  }
}

}  // namespace
}  // namespace sc
