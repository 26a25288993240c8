// The mock backend's options, as its command line and a scenario check them: nothing an
// option holds can end a header line or add a proxy directive.
#include "backend/backend_check.hpp"

#include <gtest/gtest.h>

namespace sc {
namespace {

BackendOptions valid() {
  BackendOptions o;
  o.name = "www1";
  o.route = "www1";
  return o;
}

std::vector<std::string> keys_of(const BackendOptions& o) {
  std::vector<std::string> keys;
  for (const auto& p : check_backend_options(o)) keys.push_back(p.key);
  return keys;
}

TEST(BackendCheck, DefaultsAndTheUsualValuesPass) {
  auto o = valid();
  o.route_cookie = "BALANCEID=balancer.{route}; path=/; HttpOnly";
  o.id_separator = '!';
  EXPECT_TRUE(check_backend_options(o).empty());
}

TEST(BackendCheck, RouteWithALineBreakIsRefused) {
  auto o = valid();
  o.route = "x\nListen 0.0.0.0:8080";
  auto problems = check_backend_options(o);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].key, "route");
  EXPECT_EQ(problems[0].message,
            "expected a route of at most 64 letters, digits, '-', '_', '.' or '~', got "
            "'x\\nListen 0.0.0.0:8080'");
}

TEST(BackendCheck, RouteWithConfigurationSyntaxOrTooLongIsRefused) {
  for (const std::string& route :
       std::vector<std::string>{"a#b", "a$b", "a\"b", "a b", std::string(65, 'r')}) {
    auto o = valid();
    o.route = route;
    EXPECT_EQ(keys_of(o), std::vector<std::string>{"route"}) << route;
  }
}

TEST(BackendCheck, SeparatorThatCannotStandInACookieValueIsRefused) {
  for (char c : {'\r', '\n', ' ', ';', ',', '"', '\\'}) {
    auto o = valid();
    o.id_separator = c;
    EXPECT_EQ(keys_of(o), std::vector<std::string>{"id_separator"}) << int(c);
  }
}

TEST(BackendCheck, RouteCookieWithControlCharactersOrABadNameIsRefused) {
  auto o = valid();
  o.route_cookie = "BALANCEID=x\r\nSet-Cookie: admin=1";
  auto problems = check_backend_options(o);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].message,
            "expected a Set-Cookie value such as 'BALANCEID=balancer.{name}; path=/', without "
            "control characters, got 'BALANCEID=x\\r\\nSet-Cookie: admin=1'");
  o.route_cookie = "BAL ANCE=x";
  EXPECT_EQ(check_backend_options(o)[0].message,
            "expected a cookie name (RFC 6265 token characters) before '=', got 'BAL ANCE'");
  o.route_cookie = "B=a,b; path=/";
  EXPECT_EQ(check_backend_options(o)[0].message,
            "the cookie's value may hold no ',' (RFC 6265 cookie-octet characters only), got "
            "'a,b'");
}

TEST(BackendCheck, SessionCookieNameMustBeAToken) {
  auto o = valid();
  o.session_cookie = "PHP SESSID";
  EXPECT_EQ(keys_of(o), std::vector<std::string>{"session_cookie"});
}

TEST(BackendCheck, SessionMaxMustBePositive) {
  auto o = valid();
  o.session_max = 0;
  EXPECT_EQ(keys_of(o), std::vector<std::string>{"session_max"});
}

TEST(SessionLifetime, ParsesUnitsUpToAYear) {
  using std::chrono::milliseconds;
  EXPECT_EQ(parse_session_lifetime("1440s"), milliseconds(1'440'000));
  EXPECT_EQ(parse_session_lifetime("30m"), milliseconds(1'800'000));
  EXPECT_EQ(parse_session_lifetime("8h"), milliseconds(28'800'000));
  EXPECT_EQ(parse_session_lifetime("2d"), milliseconds(172'800'000));
  EXPECT_EQ(parse_session_lifetime("500ms"), milliseconds(500));
  for (const char* bad : {"", "10", "0s", "-1s", "nans", "infs", "366d", "1w"})
    EXPECT_FALSE(parse_session_lifetime(bad)) << bad;
}

}  // namespace
}  // namespace sc
