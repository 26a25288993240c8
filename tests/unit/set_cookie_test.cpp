// Set-Cookie parsing and the RFC 6265 matching rules, as browsers apply them.
#include "cookie/set_cookie.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sc {
namespace {

using namespace std::chrono;

system_clock::time_point utc(int y, unsigned m, unsigned d, int hh, int mm, int ss) {
  return sys_days{year{y} / month{m} / day{d}} + hours{hh} + minutes{mm} + seconds{ss};
}

TEST(SetCookieParse, NameValueAndTypedAttributes) {
  auto c = parse_set_cookie(
      "ROUTEID=.www1; Path=/app; Domain=.Example.COM; Max-Age=3600; Secure; HttpOnly; "
      "SameSite=Lax");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->name, "ROUTEID");
  EXPECT_EQ(c->value, ".www1");
  EXPECT_EQ(c->path, "/app");
  EXPECT_EQ(c->domain, "example.com");
  EXPECT_EQ(c->max_age, 3600);
  EXPECT_TRUE(c->secure);
  EXPECT_TRUE(c->http_only);
  EXPECT_EQ(c->same_site, SameSite::lax);
}

TEST(SetCookieParse, UnknownAttributesAreKeptRaw) {
  auto c = parse_set_cookie("SERVERID=s1; Priority=High; Partitioned");
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->attributes.size(), 2u);
  EXPECT_EQ(c->attributes[0].name, "Priority");
  EXPECT_EQ(c->attributes[0].value, "High");
  EXPECT_FALSE(c->attributes[1].has_value);
}

TEST(SetCookieParse, AttributeTextIsAsWritten) {
  auto c = parse_set_cookie("BALANCEID=balancer.www1; domain=.example.com; secure");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->attribute_text("Domain"), "domain=.example.com");
  EXPECT_EQ(c->attribute_text("Secure"), "secure");
  EXPECT_EQ(c->attribute_text("Path"), "");
}

TEST(SetCookieParse, WithoutEqualsIsIgnored) {
  EXPECT_FALSE(parse_set_cookie("justaname; Path=/").ok());
}

TEST(SetCookieParse, EmptyNameIsIgnored) { EXPECT_FALSE(parse_set_cookie("=value").ok()); }

TEST(SetCookieParse, EmptyValueIsKept) {
  auto c = parse_set_cookie("lb=; Max-Age=0");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->value, "");
  EXPECT_EQ(c->max_age, 0);
}

TEST(SetCookieParse, BlanksAroundNameAndValueAreTrimmed) {
  auto c = parse_set_cookie("  SRV \t=  s2  ;Path = / ");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->name, "SRV");
  EXPECT_EQ(c->value, "s2");
  EXPECT_EQ(c->path, "/");
}

TEST(SetCookieParse, PathNotStartingWithSlashMeansDefaultPath) {
  auto c = parse_set_cookie("a=1; Path=app");
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->path.has_value());
}

TEST(SetCookieParse, LastDuplicateAttributeWins) {
  auto c = parse_set_cookie("a=1; Path=/x; Path=/y; SameSite=None; SameSite=Strict");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->path, "/y");
  EXPECT_EQ(c->same_site, SameSite::strict);
}

TEST(SetCookieParse, UnrecognisedSameSiteIsFlagged) {
  auto c = parse_set_cookie("a=1; SameSite=Sometimes");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->same_site, SameSite::unrecognised);
}

TEST(SetCookieParse, MalformedMaxAgeIsIgnoredAndNegativeKept) {
  EXPECT_FALSE(parse_set_cookie("a=1; Max-Age=12abc")->max_age.has_value());
  EXPECT_FALSE(parse_set_cookie("a=1; Max-Age=")->max_age.has_value());
  EXPECT_EQ(parse_set_cookie("a=1; Max-Age=-5")->max_age, -5);
}

TEST(SetCookieParse, HugeMaxAgeIsClampedNotOverflowed) {
  auto c = parse_set_cookie("a=1; Max-Age=99999999999999999999999999");
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(c->max_age.has_value());
  EXPECT_GT(*c->max_age, 0);
}

TEST(SetCookieParse, ExpiresIsParsedToATimePoint) {
  auto c = parse_set_cookie(
      "BIGipServerpool=1677787402.36895.0000; "
      "expires=Wed, 21 Oct 2015 07:28:00 GMT; path=/");
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(c->expires.has_value());
  EXPECT_EQ(*c->expires, utc(2015, 10, 21, 7, 28, 0));
}

TEST(SetCookieParse, ControlCharactersInValueRejectTheCookie) {
  std::string header = "a=b";
  header += '\x01';
  EXPECT_FALSE(parse_set_cookie(header).ok());
  EXPECT_FALSE(parse_set_cookie(std::string("a=b\0c", 5)).ok());
}

TEST(SetCookieParse, OversizedNameValueIsRejected) {
  EXPECT_FALSE(parse_set_cookie("a=" + std::string(5000, 'x')).ok());
}

TEST(SetCookieParse, OversizedAttributeValueIsIgnored) {
  auto c = parse_set_cookie("a=1; Path=/" + std::string(2000, 'p') + "; Secure");
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->path.has_value());
  EXPECT_TRUE(c->secure);
}

TEST(SetCookieParse, HugeHeaderIsRefused) {
  EXPECT_FALSE(parse_set_cookie("a=1;" + std::string(100 * 1024, ';')).ok());
}

TEST(SetCookieParse, BinaryAndInvalidUtf8NeverCrash) {
  std::string junk;
  for (int i = 0; i < 4096; ++i) junk.push_back(static_cast<char>((i * 37 + 11) % 256));
  (void)parse_set_cookie(junk);
  auto c = parse_set_cookie("name=\xff\xfe\xc3\x28; Path=/\xe2\x82");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->value, "\xff\xfe\xc3\x28");
}

TEST(SetCookieDeletion, EmptyValueOrNonPositiveMaxAgeOrPastExpires) {
  auto now = utc(2026, 1, 1, 0, 0, 0);
  EXPECT_TRUE(parse_set_cookie("a=; Path=/")->is_deletion(now));
  EXPECT_TRUE(parse_set_cookie("a=1; Max-Age=0")->is_deletion(now));
  EXPECT_TRUE(parse_set_cookie("a=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT")->is_deletion(now));
  EXPECT_FALSE(
      parse_set_cookie("a=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=60")->is_deletion(now));
  EXPECT_FALSE(parse_set_cookie("a=1")->is_deletion(now));
}

TEST(CookieDate, Rfc1123) {
  EXPECT_EQ(parse_cookie_date("Sun, 06 Nov 1994 08:49:37 GMT"), utc(1994, 11, 6, 8, 49, 37));
}

TEST(CookieDate, Rfc850WithTwoDigitYear) {
  EXPECT_EQ(parse_cookie_date("Sunday, 06-Nov-94 08:49:37 GMT"), utc(1994, 11, 6, 8, 49, 37));
  EXPECT_EQ(parse_cookie_date("Thu, 01-Jan-30 00:00:01 GMT"), utc(2030, 1, 1, 0, 0, 1));
}

TEST(CookieDate, Asctime) {
  EXPECT_EQ(parse_cookie_date("Sun Nov  6 08:49:37 1994"), utc(1994, 11, 6, 8, 49, 37));
}

TEST(CookieDate, ImpossibleDatesAreRejected) {
  EXPECT_FALSE(parse_cookie_date("Mon, 31 Feb 2025 10:00:00 GMT").has_value());
  EXPECT_FALSE(parse_cookie_date("Mon, 10 Feb 2025 25:00:00 GMT").has_value());
  EXPECT_FALSE(parse_cookie_date("Mon, 10 Feb 1500 10:00:00 GMT").has_value());
  EXPECT_FALSE(parse_cookie_date("tomorrow").has_value());
}

TEST(CookieDate, FarFutureIsClampedToTheClockRange) {
  auto t = parse_cookie_date("Fri, 31 Dec 9999 23:59:59 GMT");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(*t, system_clock::time_point::max());
}

TEST(DomainMatch, EqualOrSubdomainButNeverAnIpAddress) {
  EXPECT_TRUE(domain_matches("example.com", ".example.com"));
  EXPECT_TRUE(domain_matches("WWW.example.com", "example.com"));
  EXPECT_FALSE(domain_matches("badexample.com", "example.com"));
  EXPECT_FALSE(domain_matches("127.0.0.1", ".example.com"));
  EXPECT_FALSE(domain_matches("10.0.0.1", "0.0.1"));
  EXPECT_TRUE(domain_matches("127.0.0.1", "127.0.0.1"));
  EXPECT_FALSE(domain_matches("example.com", "www.example.com"));
}

TEST(PathMatch, PrefixEndingAtASlashBoundary) {
  EXPECT_TRUE(path_matches("/app/x", "/app"));
  EXPECT_TRUE(path_matches("/app/x", "/app/"));
  EXPECT_TRUE(path_matches("/app", "/app"));
  EXPECT_FALSE(path_matches("/application", "/app"));
  EXPECT_FALSE(path_matches("/other", "/app"));
  EXPECT_TRUE(path_matches("/anything", "/"));
}

TEST(DefaultPath, DirectoryOfTheRequestPath) {
  EXPECT_EQ(default_cookie_path("/app/login.php"), "/app");
  EXPECT_EQ(default_cookie_path("/login.php"), "/");
  EXPECT_EQ(default_cookie_path(""), "/");
  EXPECT_EQ(default_cookie_path("noslash"), "/");
  EXPECT_EQ(default_cookie_path("/a/b/"), "/a/b");
}

}  // namespace
}  // namespace sc
