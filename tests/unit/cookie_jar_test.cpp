// The driver's per-session cookie jar: RFC 6265 storage and matching as libcurl applies them.
#include "driver/cookie_jar.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace sc {
namespace {

using Clock = CookieJar::Clock;
const Clock::time_point kNow = Clock::time_point(std::chrono::hours(24 * 365 * 50));

std::string header_for(CookieJar& jar, std::string_view host, std::string_view path,
                       bool secure = false, Clock::time_point now = kNow) {
  std::string out;
  jar.cookie_header({host, path, secure}, now, out);
  return out;
}

TEST(CookieJar, HostOnlyCookieIsNotSentToSubdomains) {
  CookieJar jar;
  jar.store("a=1", {"example.com", "/"}, kNow);
  EXPECT_EQ(header_for(jar, "example.com", "/"), "a=1");
  EXPECT_EQ(header_for(jar, "www.example.com", "/"), "");
}

TEST(CookieJar, DomainCookieIsSentToSubdomainsButNotToOtherSites) {
  CookieJar jar;
  jar.store("a=1; Domain=.example.com", {"www.example.com", "/"}, kNow);
  EXPECT_EQ(header_for(jar, "example.com", "/"), "a=1");
  EXPECT_EQ(header_for(jar, "api.example.com", "/"), "a=1");
  EXPECT_EQ(header_for(jar, "badexample.com", "/"), "");
}

TEST(CookieJar, CookieForAnotherDomainIsRefused) {
  CookieJar jar;
  jar.store("a=1; Domain=other.org", {"www.example.com", "/"}, kNow);
  EXPECT_EQ(jar.size(), 0u);
}

TEST(CookieJar, PathLimitsWhereTheCookieGoesAndLongerPathsComeFirst) {
  CookieJar jar;
  jar.store("a=root; Path=/", {"h", "/"}, kNow);
  jar.store("a=app; Path=/app", {"h", "/"}, kNow);
  EXPECT_EQ(header_for(jar, "h", "/app/page"), "a=app; a=root");
  EXPECT_EQ(header_for(jar, "h", "/application"), "a=root");
}

TEST(CookieJar, DefaultPathIsTheRequestPathsDirectory) {
  CookieJar jar;
  jar.store("a=1", {"h", "/shop/cart"}, kNow);
  EXPECT_EQ(header_for(jar, "h", "/shop/list"), "a=1");
  EXPECT_EQ(header_for(jar, "h", "/"), "");
}

TEST(CookieJar, SecureCookieIsKeptAndSentOnlyInASecureContext) {
  CookieJar jar;
  jar.store("a=1; Secure", {"example.com", "/", false}, kNow);
  EXPECT_EQ(jar.size(), 0u);
  jar.store("b=2; Secure", {"127.0.0.1", "/", true}, kNow);
  EXPECT_EQ(header_for(jar, "127.0.0.1", "/", true), "b=2");
  EXPECT_EQ(header_for(jar, "127.0.0.1", "/", false), "");
  EXPECT_TRUE(is_secure_context("http", "127.0.0.1"));
  EXPECT_TRUE(is_secure_context("https", "example.com"));
  EXPECT_FALSE(is_secure_context("http", "example.com"));
}

TEST(CookieJar, MaxAgeExpiresTheCookieAndWinsOverExpires) {
  CookieJar jar;
  jar.store("a=1; Max-Age=10; Expires=Thu, 01 Jan 1970 00:00:00 GMT", {"h", "/"}, kNow);
  EXPECT_EQ(header_for(jar, "h", "/", false, kNow + std::chrono::seconds(9)), "a=1");
  EXPECT_EQ(header_for(jar, "h", "/", false, kNow + std::chrono::seconds(10)), "");
  EXPECT_EQ(jar.size(), 0u);
}

TEST(CookieJar, ExpiresInThePastDeletesTheStoredCookie) {
  CookieJar jar;
  jar.store("a=1", {"h", "/"}, kNow);
  jar.store("a=gone; Expires=Thu, 01 Jan 1970 00:00:00 GMT", {"h", "/"}, kNow);
  EXPECT_EQ(jar.size(), 0u);
}

TEST(CookieJar, MaxAgeZeroDeletesTheStoredCookie) {
  CookieJar jar;
  jar.store("a=1; Path=/", {"h", "/"}, kNow);
  jar.store("a=; Max-Age=0; Path=/", {"h", "/"}, kNow);
  EXPECT_EQ(header_for(jar, "h", "/"), "");
}

TEST(CookieJar, SameNameDomainAndPathReplacesInPlace) {
  CookieJar jar;
  jar.store("a=1", {"h", "/"}, kNow);
  jar.store("b=2", {"h", "/"}, kNow);
  jar.store("a=3", {"h", "/"}, kNow);
  EXPECT_EQ(header_for(jar, "h", "/"), "a=3; b=2");
  EXPECT_EQ(jar.size(), 2u);
}

TEST(CookieJar, SameNameWithAnotherPathIsASecondCookie) {
  CookieJar jar;
  jar.store("a=1; Path=/", {"h", "/"}, kNow);
  jar.store("a=2; Path=/x", {"h", "/"}, kNow);
  EXPECT_EQ(jar.size(), 2u);
}

TEST(CookieJar, UnparsableSetCookieChangesNothing) {
  CookieJar jar;
  jar.store("no-equals-sign", {"h", "/"}, kNow);
  jar.store("=1", {"h", "/"}, kNow);
  EXPECT_EQ(jar.size(), 0u);
}

TEST(CookieJar, SeededCookieIsHostOnlyAtRootAndReplacedByTheServer) {
  CookieJar jar;
  jar.seed("PHPSESSID", "abc", {"h", "/"}, false);
  EXPECT_EQ(header_for(jar, "h", "/any/path"), "PHPSESSID=abc");
  EXPECT_EQ(header_for(jar, "sub.h", "/"), "");
  jar.store("PHPSESSID=def; Path=/", {"h", "/"}, kNow);
  EXPECT_EQ(header_for(jar, "h", "/"), "PHPSESSID=def");
}

TEST(CookieJar, AtMost150CookiesAreSent) {
  CookieJar jar;
  for (int i = 0; i < 200; ++i) jar.store("c" + std::to_string(i) + "=1", {"h", "/"}, kNow);
  const std::string header = header_for(jar, "h", "/");
  EXPECT_EQ(std::count(header.begin(), header.end(), '='), 150);
}

TEST(CookieJar, CookieHeaderStaysUnder8190Bytes) {
  CookieJar jar;
  const std::string value(1000, 'v');
  for (int i = 0; i < 10; ++i) jar.store("c" + std::to_string(i) + "=" + value, {"h", "/"}, kNow);
  const std::string header = header_for(jar, "h", "/");
  EXPECT_EQ(std::count(header.begin(), header.end(), '='), 8);
  EXPECT_LT(header.size() + 8, kMaxCookieHeaderBytes);
}

}  // namespace
}  // namespace sc
