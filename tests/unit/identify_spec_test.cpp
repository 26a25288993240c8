// --identify and --lost-when parsing: the forms the issue lists, and errors that quote the
// option and say what was expected.
#include "identify/identify_spec.hpp"

#include <gtest/gtest.h>

namespace sc::identify {
namespace {

std::string error_of(std::string_view spec) {
  auto r = parse_identify_spec(spec);
  return r.ok() ? std::string("(parsed)") : r.error().message;
}

std::string lost_error_of(std::string_view spec) {
  auto r = parse_lost_when_spec(spec);
  return r.ok() ? std::string("(parsed)") : r.error().message;
}

TEST(IdentifySpecParse, HeaderName) {
  auto s = parse_identify_spec("header:X-Served-By");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->kind, IdentifyKind::header);
  EXPECT_EQ(s->name, "X-Served-By");
  EXPECT_EQ(s->text, "header:X-Served-By");
}

TEST(IdentifySpecParse, CookieNameWithoutSeparatorTakesTheWholeValue) {
  auto s = parse_identify_spec("cookie:SERVERID");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->kind, IdentifyKind::cookie);
  EXPECT_EQ(s->name, "SERVERID");
  EXPECT_FALSE(s->route_separator.has_value());
}

TEST(IdentifySpecParse, CookieNameWithSeparatorTakesTheRoute) {
  auto s = parse_identify_spec("cookie:ROUTEID:.");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->name, "ROUTEID");
  EXPECT_EQ(s->route_separator, '.');
}

TEST(IdentifySpecParse, JsonPointer) {
  auto s = parse_identify_spec("json:/server/name");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->kind, IdentifyKind::json);
  EXPECT_EQ(s->pointer, "/server/name");
}

TEST(IdentifySpecParse, RegexWithCaptureGroup) {
  auto s = parse_identify_spec("regex:served by (\\w+)");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->kind, IdentifyKind::regex);
  ASSERT_NE(s->pattern, nullptr);
  EXPECT_EQ(s->pattern->mark_count(), 1u);
}

TEST(IdentifySpecParse, AckEventAloneTakesTheFirstArgument) {
  auto s = parse_identify_spec("ack:whoami");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->kind, IdentifyKind::ack);
  EXPECT_EQ(s->name, "whoami");
  EXPECT_EQ(s->pointer, "");
}

TEST(IdentifySpecParse, AckEventWithPointer) {
  auto s = parse_identify_spec("ack:status:/node/name");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->name, "status");
  EXPECT_EQ(s->pointer, "/node/name");
}

TEST(IdentifySpecParse, AckOfSocketIosOwnEventIsRefused) {
  EXPECT_EQ(error_of("ack:disconnect"),
            "--identify 'ack:disconnect': 'disconnect' is socket.io's own event, which a client "
            "cannot emit; expected an event the application acknowledges");
}

TEST(IdentifySpecParse, AckEventThatIsNoTokenIsRefused) {
  EXPECT_EQ(error_of("ack:who\"ami").substr(0, 52),
            "--identify 'ack:who\"ami': expected a socket.io event");
}

TEST(IdentifySpecParse, AckWithABadPointerIsRefused) {
  EXPECT_EQ(error_of("ack:status:node"),
            "--identify 'ack:status:node': expected an RFC 6901 pointer starting with '/' after "
            "the event, e.g. ack:status:/node");
}

TEST(IdentifySpecParse, Auto) {
  auto s = parse_identify_spec("auto");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->kind, IdentifyKind::automatic);
}

TEST(IdentifySpecErrors, JsonWithoutLeadingSlashQuotesTheSpecAndShowsAnExample) {
  EXPECT_EQ(error_of("json:backend"),
            "--identify 'json:backend': expected an RFC 6901 pointer starting with '/', e.g. "
            "json:/backend");
}

TEST(IdentifySpecErrors, JsonPointerWithBadEscape) {
  EXPECT_NE(error_of("json:/a~2b").find("RFC 6901"), std::string::npos);
}

TEST(IdentifySpecErrors, UnknownKindListsTheForms) {
  auto e = error_of("body:backend");
  EXPECT_NE(e.find("--identify 'body:backend'"), std::string::npos);
  EXPECT_NE(e.find("header:NAME"), std::string::npos);
  EXPECT_NE(e.find("auto"), std::string::npos);
  EXPECT_NE(error_of("X-Backend").find("expected header:NAME"), std::string::npos);
}

TEST(IdentifySpecErrors, HeaderNameMustBeAToken) {
  auto e = error_of("header:X Backend");
  EXPECT_NE(e.find("expected a header name"), std::string::npos);
  EXPECT_NE(error_of("header:").find("expected a header name"), std::string::npos);
}

TEST(IdentifySpecParse, NamesMayUseEveryTokenCharacter) {
  EXPECT_TRUE(parse_identify_spec("cookie:ASP.NET_SessionId").ok());
  EXPECT_TRUE(parse_identify_spec("header:X-B!#$%&'*+.^_`|~1").ok());
}

TEST(IdentifySpecErrors, CookieNameMustBeAToken) {
  EXPECT_NE(error_of("cookie:a=b").find("expected a cookie name"), std::string::npos);
}

TEST(IdentifySpecErrors, CookieSeparatorMustBeOneCharacter) {
  EXPECT_NE(error_of("cookie:ROUTEID:ab").find("one separator character"), std::string::npos);
  EXPECT_NE(error_of("cookie:ROUTEID:").find("one separator character"), std::string::npos);
}

TEST(IdentifySpecErrors, InvalidRegex) {
  EXPECT_NE(error_of("regex:(unclosed").find("invalid regular expression"), std::string::npos);
}

TEST(IdentifySpecErrors, RegexWithoutCaptureGroup) {
  EXPECT_NE(error_of("regex:backend-\\d+").find("needs a capture group"), std::string::npos);
}

TEST(IdentifySpecList, EmptyMeansAuto) {
  auto specs = parse_identify_specs({});
  ASSERT_TRUE(specs.ok());
  ASSERT_EQ(specs->size(), 1u);
  EXPECT_EQ(specs->front().kind, IdentifyKind::automatic);
}

TEST(IdentifySpecList, KeepsOrderAndAllowsAutoLast) {
  auto specs = parse_identify_specs({"header:X-Backend", "cookie:SRV", "auto"});
  ASSERT_TRUE(specs.ok());
  ASSERT_EQ(specs->size(), 3u);
  EXPECT_EQ((*specs)[1].name, "SRV");
}

TEST(IdentifySpecList, AutoBeforeAnotherSpecIsAnError) {
  auto specs = parse_identify_specs({"auto", "header:X-Backend"});
  ASSERT_FALSE(specs.ok());
  EXPECT_NE(specs.error().message.find("'auto' must be the last"), std::string::npos);
}

TEST(IdentifySpecList, FirstBadSpecIsReported) {
  auto specs = parse_identify_specs({"header:X-Backend", "json:x"});
  ASSERT_FALSE(specs.ok());
  EXPECT_NE(specs.error().message.find("'json:x'"), std::string::npos);
}

TEST(LostWhenParse, JsonPointerEqualsValue) {
  auto s = parse_lost_when_spec("json:/new=true");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->kind, LostWhenKind::json_equals);
  EXPECT_EQ(s->pointer, "/new");
  EXPECT_EQ(s->expected, "true");
}

TEST(LostWhenParse, HeaderEqualsValue) {
  auto s = parse_lost_when_spec("header:X-Session-New= 1 ");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->name, "X-Session-New");
  EXPECT_EQ(s->expected, "1");
}

TEST(LostWhenParse, RegexNeedsNoCaptureGroup) {
  auto s = parse_lost_when_spec("regex:session (new|expired)?started");
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(parse_lost_when_spec("regex:please log in").ok());
}

TEST(LostWhenErrors, JsonWithoutValue) {
  EXPECT_EQ(lost_error_of("json:/new"),
            "--lost-when 'json:/new': expected an RFC 6901 pointer starting with '/', then '=' "
            "and the value, e.g. json:/new=true");
}

TEST(LostWhenErrors, HeaderWithoutValueOrBadName) {
  EXPECT_NE(lost_error_of("header:X-New").find("expected NAME=VALUE"), std::string::npos);
  EXPECT_NE(lost_error_of("header:X New=1").find("expected a header name"), std::string::npos);
}

TEST(LostWhenErrors, UnknownKind) {
  EXPECT_EQ(lost_error_of("code:200"),
            "--lost-when 'code:200': expected json:/POINTER=VALUE, regex:PATTERN, "
            "header:NAME=VALUE, status:CODE or redirect:PATH, e.g. json:/new=true");
}

TEST(LostWhenParse, StatusAndRedirect) {
  auto status = parse_lost_when_spec("status:401");
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->kind, LostWhenKind::status_equals);
  EXPECT_EQ(status->expected, "401");
  auto redirect = parse_lost_when_spec("redirect:/login");
  ASSERT_TRUE(redirect.ok());
  EXPECT_EQ(redirect->kind, LostWhenKind::redirect_to);
  EXPECT_EQ(lost_error_of("status:20"),
            "--lost-when 'status:20': expected an HTTP status (100-599), e.g. status:401");
  EXPECT_EQ(lost_error_of("redirect:login"),
            "--lost-when 'redirect:login': expected a path starting with '/', e.g. "
            "redirect:/login");
}

TEST(JsonPointerSyntax, EscapesAndEmpty) {
  EXPECT_TRUE(is_json_pointer(""));
  EXPECT_TRUE(is_json_pointer("/a~0b/c~1d/0"));
  EXPECT_FALSE(is_json_pointer("/a~"));
  EXPECT_FALSE(is_json_pointer("a"));
}

TEST(IdentifySpecHostile, HugeAndBinarySpecsAreErrorsNotCrashes) {
  EXPECT_FALSE(parse_identify_spec("regex:(" + std::string(5000, 'a') + ")").ok());
  EXPECT_FALSE(parse_identify_spec(std::string("header:\xff\x00\x01", 10)).ok());
  EXPECT_FALSE(parse_lost_when_spec(std::string("\xc3\x28:\x80", 4)).ok());
}

}  // namespace
}  // namespace sc::identify
