// Session cookie names and the loss rule (a re-issued session id while the client sent one).
#include <gtest/gtest.h>

#include "identify/session_cookies.hpp"
#include "test_helpers.hpp"

namespace sc::identify {
namespace {

using Clock = std::chrono::system_clock;
const Clock::time_point kSessionsNow = Clock::time_point{} + std::chrono::hours(24 * 365 * 56);


ResponseView exchange(std::vector<CookiePair> sent, std::vector<std::string> set_cookies) {
  ResponseView v;
  for (const auto& s : set_cookies) v.headers.push_back({"Set-Cookie", s});
  v.set_cookies = parse_set_cookie_fields(v.headers);
  v.sent_cookies = std::move(sent);
  return v;
}

TEST(SessionCookieName, WellKnownFrameworkNames) {
  for (auto name : {"PHPSESSID", "JSESSIONID", "ASP.NET_SessionId", ".AspNetCore.Session",
                    "connect.sid", "laravel_session", "_session_id", "SESSION", "sid", "sessionid",
                    "PLAY_SESSION", "_myapp_session", "ci_session"})
    EXPECT_TRUE(is_session_cookie_name(name)) << name;
}

TEST(SessionCookieName, DrupalHashedNames) {
  EXPECT_TRUE(is_session_cookie_name("SESS5f2b3c4d5e6f708192a3b4c5d6e7f801"));
  EXPECT_TRUE(is_session_cookie_name("SSESS5f2b3c4d5e6f708192a3b4c5d6e7f801"));
  EXPECT_FALSE(is_session_cookie_name("SESSxyz"));
}

TEST(SessionCookieName, BalancerAndOtherCookiesAreNot) {
  for (auto name : {"ROUTEID", "BALANCEID", "SERVERID", "lb", "AWSALB", "lang", "csrftoken"})
    EXPECT_FALSE(is_session_cookie_name(name)) << name;
}

TEST(SessionCookieRuleTest, ExplicitNameReplacesRecognition) {
  SessionCookieRule rule{"app_sid"};
  EXPECT_TRUE(rule.matches("app_sid"));
  EXPECT_FALSE(rule.matches("PHPSESSID"));
  EXPECT_TRUE(SessionCookieRule{}.matches("PHPSESSID"));
}

TEST(SessionReissue, NewValueWhileOneWasSentIsALoss) {
  EXPECT_TRUE(is_session_reissue("k3j4h5g6", test::parsed_set_cookie("PHPSESSID=a9s8d7f6; path=/"), kSessionsNow));
}

TEST(SessionReissue, SameValueIsNotALoss) {
  EXPECT_FALSE(is_session_reissue("k3j4h5g6", test::parsed_set_cookie("PHPSESSID=k3j4h5g6; path=/"), kSessionsNow));
}

TEST(SessionReissue, DeletionIsNotALoss) {
  EXPECT_FALSE(is_session_reissue("k3j4h5g6", test::parsed_set_cookie("PHPSESSID=deleted; Max-Age=0"), kSessionsNow));
  EXPECT_FALSE(is_session_reissue("k3j4h5g6", test::parsed_set_cookie("PHPSESSID=; path=/"), kSessionsNow));
  EXPECT_FALSE(is_session_reissue(
      "k3j4h5g6", test::parsed_set_cookie("PHPSESSID=deleted; expires=Thu, 01-Jan-1970 00:00:01 GMT"), kSessionsNow));
}

TEST(SessionReissue, NothingSentIsAFirstVisitNotALoss) {
  EXPECT_FALSE(is_session_reissue("", test::parsed_set_cookie("PHPSESSID=a9s8d7f6"), kSessionsNow));
}

TEST(SessionReissue, RouteSuffixChangeKeepsTheSession) {
  EXPECT_FALSE(is_session_reissue("8F3A1C9E.node1", test::parsed_set_cookie("JSESSIONID=8F3A1C9E.node2"), kSessionsNow));
  EXPECT_TRUE(is_session_reissue("8F3A1C9E.node1", test::parsed_set_cookie("JSESSIONID=77AB01CD.node2"), kSessionsNow));
}

TEST(SessionLossInExchange, FindsTheReissuedRecognisedCookie) {
  auto v = exchange({{"lang", "en"}, {"PHPSESSID", "old1"}},
                    {"lang=fr; path=/", "PHPSESSID=new2; path=/; HttpOnly"});
  auto loss = find_session_loss(v, SessionCookieRule{}, kSessionsNow);
  ASSERT_TRUE(loss.has_value());
  EXPECT_EQ(loss->cookie, "PHPSESSID");
  EXPECT_EQ(loss->sent, "old1");
  EXPECT_EQ(loss->reissued, "new2");
}

TEST(SessionLossInExchange, NonSessionCookieChangeIsNoLoss) {
  auto v = exchange({{"lang", "en"}}, {"lang=fr; path=/"});
  EXPECT_FALSE(find_session_loss(v, SessionCookieRule{}, kSessionsNow).has_value());
}

TEST(SessionLossInExchange, NotSetAgainIsNoLoss) {
  auto v = exchange({{"PHPSESSID", "old1"}}, {});
  EXPECT_FALSE(find_session_loss(v, SessionCookieRule{}, kSessionsNow).has_value());
}

TEST(SessionLossInExchange, ExplicitCookieName) {
  auto v = exchange({{"app_sid", "v1"}}, {"app_sid=v2"});
  EXPECT_TRUE(find_session_loss(v, SessionCookieRule{"app_sid"}, kSessionsNow).has_value());
  EXPECT_FALSE(find_session_loss(v, SessionCookieRule{}, kSessionsNow).has_value());
}

TEST(SessionOpaqueValue, SealedFrameworkValuesAreOpaqueAndSessionIdsAreNot) {
  // Laravel's envelope, Rails' cookie store, a JWT.
  EXPECT_TRUE(is_opaque_value("eyJpdiI6IkFCQ0RFRkdISUpLTE1OT1AiLCJ2YWx1ZSI6Ilh5eiIsIm1hYyI6IjEyMyJ9"));
  EXPECT_TRUE(is_opaque_value("cDdvQXlWbHpHbUhTRmxHa2dLYz0tLWpQcHZ6bkxnWDFKbVlB--4f1c9a0b2e7d3c6a"));
  EXPECT_TRUE(is_opaque_value("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ"));
  // PHP (also a 128-character id), Tomcat with a route, ASP.NET, ASP.NET Core's protected
  // session key, express's signed id: their new value is a new session.
  EXPECT_FALSE(is_opaque_value(std::string(128, 'a')));
  EXPECT_FALSE(is_opaque_value(
      "CfDJ8NrAkrBxnb1Mjm4rWi8iuW0a1b2c3d4e5f6g7h8i9j0kLmNoPqRsTuVwXyZ0123456789abcdefghijklmn"
      "opqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghij"));
  EXPECT_FALSE(is_opaque_value("k3j4h5g6a9s8d7f6q1w2e3r4t5"));
  EXPECT_FALSE(is_opaque_value("0A1B2C3D4E5F60718293A4B5C6D7E8F9.node1"));
  EXPECT_FALSE(is_opaque_value("abcdefghijklmnopqrstuvwx"));
  EXPECT_FALSE(is_opaque_value("s%3AaBcDeFgHiJkLmNoPqRsTuVwXyZ012345.Q2xvc2UgZW5vdWdoIHNpZ25hdHVyZQ"));
  EXPECT_FALSE(is_opaque_value("has blanks and ; semicolons that no base64 holds, however long it is"));
}

TEST(SessionOpaqueValue, NewSealedValueForASealedOneIsNoReissue) {
  const std::string before = "eyJpdiI6ImFhYWFhYWFhYWFhYWFhYWEiLCJ2YWx1ZSI6IngiLCJtYWMiOiIxIn0=";
  const std::string after = "eyJpdiI6ImJiYmJiYmJiYmJiYmJiYmIiLCJ2YWx1ZSI6IngiLCJtYWMiOiIyIn0=";
  EXPECT_FALSE(is_session_reissue(
      before, test::parsed_set_cookie("laravel_session=" + after + "; path=/"), kSessionsNow));
  // From a plain id to a sealed value (or back) the session did start over.
  EXPECT_TRUE(is_session_reissue(
      "k3j4h5g6a9s8d7f6", test::parsed_set_cookie("laravel_session=" + after), kSessionsNow));
}

TEST(SessionHostile, BinaryNamesAndValuesNeverCrash) {
  std::string junk(10000, '\xff');
  EXPECT_FALSE(is_session_cookie_name(junk));
  auto v = exchange({{junk, junk}, {"PHPSESSID", junk}}, {"PHPSESSID=\xc3\x28"});
  EXPECT_TRUE(find_session_loss(v, SessionCookieRule{}, kSessionsNow).has_value());
}

}  // namespace
}  // namespace sc::identify
