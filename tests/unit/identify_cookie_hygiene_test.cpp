// Cookie hygiene from the outside: attributes that make a client drop a cookie or never send
// it back, and a cookie re-set on every response.
#include <gtest/gtest.h>

#include "identify/cookie_hygiene.hpp"
#include "test_helpers.hpp"

namespace sc::identify {
namespace {

using Clock = std::chrono::system_clock;
const Clock::time_point kNow =
    std::chrono::sys_days{std::chrono::year{2026} / 12 / 1} + std::chrono::hours{12};

const ProbedUrl kHttpLocal{"http", "127.0.0.1", {"/"}};

std::vector<HygieneFinding> check(std::string_view header, const ProbedUrl& url = kHttpLocal,
                                  std::string_view set_on = "/") {
  return check_cookie_as_set(test::parsed_set_cookie(header), set_on, url, kNow);
}

TEST(CookieHygiene, CleanRouteCookieHasNoFindings) {
  EXPECT_TRUE(check("ROUTEID=.www1; path=/").empty());
  EXPECT_TRUE(check("SERVERID=s1; path=/; HttpOnly; Max-Age=3600").empty());
}

TEST(CookieHygiene, DomainThatDoesNotCoverTheHost) {
  auto f = check("BALANCEID=balancer.www1; Domain=.example.com; Path=/");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].issue, HygieneIssue::domain_mismatch);
  EXPECT_EQ(f[0].cookie, "BALANCEID");
  EXPECT_EQ(f[0].attribute, "Domain");
  EXPECT_EQ(f[0].attribute_text, "Domain=.example.com");
  EXPECT_EQ(f[0].cause,
            "BALANCEID was set with Domain=.example.com, which does not cover the host "
            "127.0.0.1: no client stores it.");
}

TEST(CookieHygiene, IssueNamesAreStable) {
  EXPECT_EQ(to_string(HygieneIssue::same_site_none_without_secure),
            "same_site_none_without_secure");
  EXPECT_EQ(to_string(HygieneIssue::reset_every_response), "reset_every_response");
}

TEST(CookieHygiene, DomainOfAParentDomainIsFine) {
  ProbedUrl url{"https", "shop.example.com", {"/"}};
  EXPECT_TRUE(check("BALANCEID=balancer.www1; Domain=.example.com; Path=/", url).empty());
}

TEST(CookieHygiene, PathThatDoesNotCoverAProbedPath) {
  ProbedUrl url{"http", "app.test", {"/app/cart", "/api/items"}};
  auto f = check("ROUTEID=.www1; Path=/app", url);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].issue, HygieneIssue::path_not_covering);
  EXPECT_EQ(f[0].attribute_text, "Path=/app");
  EXPECT_NE(f[0].cause.find("Path=/app, which does not cover the probed path /api/items"),
            std::string::npos);
}

TEST(CookieHygiene, MissingPathDefaultsToTheDirectoryOfTheSettingRequest) {
  ProbedUrl url{"http", "app.test", {"/shop/login.php", "/index.php"}};
  auto f = check("PHPSESSID=abc", url, "/shop/login.php");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].attribute_text, "(default /shop)");
  EXPECT_NE(f[0].cause.find("without Path, so its path defaults to /shop"), std::string::npos);
}

TEST(CookieHygiene, SecureOnPlainHttp) {
  const ProbedUrl url{"http", "app.test", {"/"}};
  auto f = check("lb=6b86b273ff34fce1; Path=/; Secure; HttpOnly", url);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].issue, HygieneIssue::secure_on_http);
  EXPECT_EQ(f[0].attribute, "Secure");
  EXPECT_NE(f[0].cause.find("Secure on the plain http URL"), std::string::npos);
  ProbedUrl https{"https", "127.0.0.1", {"/"}};
  EXPECT_TRUE(check("lb=6b86b273ff34fce1; Path=/; Secure", https).empty());
}

// A browser keeps and sends a Secure cookie over http on its own machine (a secure context):
// no defect to report there.
TEST(CookieHygiene, SecureOverHttpOnLoopbackIsWhatBrowsersKeep) {
  for (const char* host : {"127.0.0.1", "localhost", "app.localhost", "[::1]"}) {
    ProbedUrl url{"http", host, {"/"}};
    EXPECT_TRUE(check("lb=6b86b273ff34fce1; Path=/; Secure", url).empty()) << host;
  }
}

TEST(CookieHygiene, SameSiteNoneWithoutSecure) {
  auto f = check("AWSALBCORS=x1; Path=/; SameSite=None");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].issue, HygieneIssue::same_site_none_without_secure);
  EXPECT_EQ(f[0].attribute_text, "SameSite=None");
}

TEST(CookieHygiene, MaxAgeZeroOnFirstSet) {
  auto f = check("SERVERID=s1; Path=/; Max-Age=0");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].issue, HygieneIssue::expired_on_first_set);
  EXPECT_EQ(f[0].attribute_text, "Max-Age=0");
}

TEST(CookieHygiene, ExpiresInThePastOnFirstSet) {
  auto f = check(
      "BIGipServerweb=1677787402.36895.0000; path=/; "
      "expires=Thu, 01-Jan-2015 00:00:00 GMT");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].attribute, "Expires");
  EXPECT_EQ(f[0].attribute_text, "expires=Thu, 01-Jan-2015 00:00:00 GMT");
}

TEST(CookieHygiene, PositiveMaxAgeOverridesPastExpires) {
  EXPECT_TRUE(check("a=1; Path=/; Expires=Thu, 01 Jan 2015 00:00:00 GMT; Max-Age=60").empty());
}

TEST(CookieHygiene, SeveralFindingsAtOnce) {
  const ProbedUrl url{"http", "app.test", {"/"}};
  auto f = check("ROUTEID=.www1; Path=/; Domain=example.org; Secure; SameSite=None; Max-Age=-1",
                 url);
  EXPECT_EQ(f.size(), 3u);  // Domain, Secure on http, Max-Age; SameSite=None has Secure
}

TEST(CookieResetPattern, NewValueOnEveryResponse) {
  auto f = check_reset_pattern("AWSALB", {"v1", "v2", "v3", "v4"});
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->issue, HygieneIssue::reset_every_response);
  EXPECT_EQ(f->attribute_text, "AWSALB=v4");
  EXPECT_NE(f->cause.find("every one of the 4 responses"), std::string::npos);
}

TEST(CookieResetPattern, NotSetOnSomeResponseIsNoPattern) {
  EXPECT_FALSE(check_reset_pattern("SRV", {"s1", std::nullopt, "s2"}).has_value());
}

TEST(CookieResetPattern, RepeatedValueIsNoPattern) {
  EXPECT_FALSE(check_reset_pattern("SRV", {"s1", "s1", "s2"}).has_value());
}

TEST(CookieResetPattern, TooFewResponses) {
  EXPECT_FALSE(check_reset_pattern("SRV", {"s1", "s2"}).has_value());
}

TEST(CookieHygieneHostile, HugeAndBinaryAttributesAreQuotedShort) {
  std::string header = "R\xff=v; Domain=" + std::string(1000, '\xfe') + "; Path=/";
  auto f = check(header);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_LT(f[0].cause.size(), 400u);
  auto g = check_reset_pattern(std::string(5000, 'n'),
                               {std::string(3000, 'a'), std::string(3000, 'b'), "c"});
  ASSERT_TRUE(g.has_value());
  EXPECT_LT(g->cause.size(), 400u);
}

}  // namespace
}  // namespace sc::identify
