// Explicit identity sources and app signals for session loss, applied to one exchange.
#include <gtest/gtest.h>

#include "identify/explicit_sources.hpp"

namespace sc::identify {
namespace {

std::vector<IdentifySpec> specs(const std::vector<std::string>& texts) {
  auto parsed = parse_identify_specs(texts);
  EXPECT_TRUE(parsed.ok()) << parsed.error().message;
  return parsed.ok() ? *parsed : std::vector<IdentifySpec>{};
}

std::vector<LostWhenSpec> lost_specs(const std::vector<std::string>& texts) {
  auto parsed = parse_lost_when_specs(texts);
  EXPECT_TRUE(parsed.ok()) << parsed.error().message;
  return parsed.ok() ? *parsed : std::vector<LostWhenSpec>{};
}

ResponseView response(std::vector<HeaderField> headers, std::string_view body = "",
                      std::vector<CookiePair> sent = {}) {
  ResponseView v;
  v.status = 200;
  v.set_cookies = parse_set_cookie_fields(headers);
  v.headers = std::move(headers);
  v.sent_cookies = std::move(sent);
  v.body = body;
  return v;
}

TEST(ExplicitIdentify, HeaderNameIsCaseInsensitive) {
  auto v = response({{"x-served-by", " www2 "}});
  auto m = identify_exchange(specs({"header:X-Served-By"}), v);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->identity, "www2");
  EXPECT_EQ(m->source, "header:X-Served-By");
}

TEST(ExplicitIdentify, FirstMatchingSpecWins) {
  auto v = response({{"X-Upstream", "10.0.0.7:80"}}, R"({"backend":"app-3"})");
  auto m = identify_exchange(specs({"header:X-Backend", "json:/backend", "header:X-Upstream"}), v);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->identity, "app-3");
  EXPECT_EQ(m->spec_index, 1u);
}

TEST(ExplicitIdentify, NothingMatchesGivesNoIdentity) {
  auto v = response({{"Content-Type", "text/html"}}, "<html></html>");
  EXPECT_FALSE(identify_exchange(specs({"header:X-Backend", "json:/backend"}), v).has_value());
}

TEST(ExplicitIdentify, AutoIsSkippedPerExchange) {
  auto v = response({{"X-Backend", "www1"}});
  EXPECT_FALSE(identify_exchange(specs({"auto"}), v).has_value());
}

TEST(ExplicitIdentify, CookieSetInThisResponseWins) {
  auto v = response({{"Set-Cookie", "SERVERID=s2; path=/"}}, "", {{"SERVERID", "s1"}});
  EXPECT_EQ(apply_identify_spec(specs({"cookie:SERVERID"})[0], v), "s2");
}

TEST(ExplicitIdentify, CookieSentIsUsedWhenNotSetAgain) {
  auto v = response({{"Content-Type", "text/html"}}, "", {{"SERVERID", "s1"}});
  EXPECT_EQ(apply_identify_spec(specs({"cookie:SERVERID"})[0], v), "s1");
}

TEST(ExplicitIdentify, CookieDeletionFallsBackToTheSentValue) {
  auto v = response({{"Set-Cookie", "SERVERID=; Max-Age=0"}}, "", {{"SERVERID", "s1"}});
  EXPECT_EQ(apply_identify_spec(specs({"cookie:SERVERID"})[0], v), "s1");
}

TEST(ExplicitIdentify, CookieRoutePartAfterTheFirstSeparator) {
  auto v = response({{"Set-Cookie", "BALANCEID=balancer.www1.x; path=/"}});
  EXPECT_EQ(apply_identify_spec(specs({"cookie:BALANCEID:."})[0], v), "www1.x");
}

TEST(ExplicitIdentify, CookieWithoutRouteIsNoMatch) {
  auto v = response({}, "", {{"PHPSESSID", "abc123"}});
  EXPECT_FALSE(apply_identify_spec(specs({"cookie:PHPSESSID:."})[0], v).has_value());
}

TEST(ExplicitIdentify, JsonPointerIntoNestedObjectsAndArrays) {
  auto v = response({}, R"({"servers":[{"name":"a"},{"name":"web~/2"}],"id":7,"up":true})");
  EXPECT_EQ(apply_identify_spec(specs({"json:/servers/1/name"})[0], v), "web~/2");
  EXPECT_EQ(apply_identify_spec(specs({"json:/id"})[0], v), "7");
  EXPECT_EQ(apply_identify_spec(specs({"json:/up"})[0], v), "true");
  EXPECT_FALSE(apply_identify_spec(specs({"json:/servers"})[0], v).has_value());
  EXPECT_FALSE(apply_identify_spec(specs({"json:/servers/01/name"})[0], v).has_value());
  EXPECT_FALSE(apply_identify_spec(specs({"json:/servers/-"})[0], v).has_value());
}

TEST(ExplicitIdentify, JsonPointerEscapes) {
  auto v = response({}, R"({"a/b":{"m~n":"yes"}})");
  EXPECT_EQ(apply_identify_spec(specs({"json:/a~1b/m~0n"})[0], v), "yes");
}

TEST(ExplicitIdentify, InvalidJsonIsNoMatch) {
  auto v = response({}, R"({"backend": "www1")");
  EXPECT_FALSE(apply_identify_spec(specs({"json:/backend"})[0], v).has_value());
}

TEST(ExplicitIdentify, RegexFirstCaptureGroup) {
  auto v = response({}, "<html>\n<!-- served by node-4 -->\n</html>");
  EXPECT_EQ(apply_identify_spec(specs({"regex:served by ([a-z0-9-]+)"})[0], v), "node-4");
}

TEST(ExplicitIdentify, OverlongIdentityIsNoMatch) {
  auto v = response({{"X-Backend", std::string(1000, 'x')}});
  EXPECT_FALSE(apply_identify_spec(specs({"header:X-Backend"})[0], v).has_value());
}

TEST(ExplicitIdentify, EmptyHeaderValueIsNoMatch) {
  auto v = response({{"X-Backend", "  "}, {"X-Upstream", "u1"}});
  auto m = identify_exchange(specs({"header:X-Backend", "header:X-Upstream"}), v);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->identity, "u1");
}

TEST(LostWhen, JsonValueEquals) {
  auto lost = lost_specs({"json:/new=true"});
  EXPECT_TRUE(lost_by_app_signal(lost, response({}, R"({"new":true})")));
  EXPECT_FALSE(lost_by_app_signal(lost, response({}, R"({"new":false})")));
  EXPECT_FALSE(lost_by_app_signal(lost, response({}, "not json")));
}

TEST(LostWhen, JsonStringValueComparedWithoutQuotes) {
  auto lost = lost_specs({"json:/session/state=new"});
  EXPECT_TRUE(lost_by_app_signal(lost, response({}, R"({"session":{"state":"new"}})")));
}

TEST(LostWhen, HeaderEquals) {
  auto lost = lost_specs({"header:X-Session-New=1"});
  EXPECT_TRUE(lost_by_app_signal(lost, response({{"x-session-new", "1"}})));
  EXPECT_FALSE(lost_by_app_signal(lost, response({{"X-Session-New", "0"}})));
  EXPECT_FALSE(lost_by_app_signal(lost, response({})));
}

TEST(LostWhen, RegexOverBody) {
  auto lost = lost_specs({"regex:Please log in"});
  EXPECT_TRUE(lost_by_app_signal(lost, response({}, "<h1>Please log in</h1>")));
  EXPECT_FALSE(lost_by_app_signal(lost, response({}, "<h1>Welcome back</h1>")));
}

TEST(LostWhen, FirstSignalIndex) {
  auto lost = lost_specs({"header:X-New=1", "json:/new=true"});
  EXPECT_EQ(first_lost_signal(lost, response({}, R"({"new":true})")), 1u);
  EXPECT_FALSE(first_lost_signal(lost, response({}, "{}")).has_value());
}

TEST(ExplicitHostile, HugeBinaryAndInvalidUtf8BodiesNeverCrash) {
  std::string body(3 * 1024 * 1024, 'a');  // beyond every bound, no newline at all
  for (std::size_t i = 0; i < body.size(); i += 7) body[i] = static_cast<char>(0x80 + i % 128);
  auto s = specs({"json:/backend", "regex:(.*)", "regex:([\\s\\S]*)", "header:X-Backend"});
  auto v = response({{"X-Backend", "\xff\xfe"}}, body);
  auto m = identify_exchange(s, v);
  ASSERT_TRUE(m.has_value());  // the regexes match 2 KiB of one line: too long for a name
  EXPECT_EQ(m->spec_index, 3u);
  EXPECT_EQ(m->identity, "\xff\xfe");
  EXPECT_FALSE(lost_by_app_signal(lost_specs({"json:/new=true"}), v));
}

TEST(ExplicitHostile, DeeplyNestedJsonIsNoCrash) {
  std::string body(200000, '[');
  auto v = response({}, body);
  EXPECT_FALSE(apply_identify_spec(specs({"json:/0"})[0], v).has_value());
  std::string closed = std::string(100000, '[') + std::string(100000, ']');
  auto w = response({}, closed);
  EXPECT_FALSE(apply_identify_spec(specs({"json:/0/0/0/x"})[0], w).has_value());
}

TEST(ExplicitHostile, InvalidUtf8InJsonStringIsNoMatch) {
  auto v = response({}, "{\"backend\":\"\xff\xfe\"}");
  EXPECT_FALSE(apply_identify_spec(specs({"json:/backend"})[0], v).has_value());
}

// A socket.io acknowledgement's arguments: the first, a string, or a scalar inside it.
TEST(IdentityInJsonArgs, FirstArgumentStringIsTheName) {
  EXPECT_EQ(identity_in_json_args(R"(["www1", 2])", ""), "www1");
  EXPECT_EQ(identity_in_json_args(R"([{"node":"www1"}])", ""), std::nullopt);
  EXPECT_EQ(identity_in_json_args(R"([])", ""), std::nullopt);
  EXPECT_EQ(identity_in_json_args("not json", ""), std::nullopt);
}

TEST(IdentityInJsonArgs, PointerFindsTheNameInTheFirstArgument) {
  EXPECT_EQ(identity_in_json_args(R"([{"node":"www2","ok":true}])", "/node"), "www2");
  EXPECT_EQ(identity_in_json_args(R"([{"node":7}])", "/node"), "7");
  EXPECT_EQ(identity_in_json_args(R"([{"node":{"a":1}}])", "/node"), std::nullopt);
  EXPECT_EQ(identity_in_json_args(R"([{"other":"x"}])", "/node"), std::nullopt);
}

TEST(IdentityInJsonArgs, ANameLongerThanANameIsNone) {
  const std::string big = "[\"" + std::string(kMaxIdentityBytes + 1, 'a') + "\"]";
  EXPECT_EQ(identity_in_json_args(big, ""), std::nullopt);
}

}  // namespace
}  // namespace sc::identify
