// Scenario values that reach a number comparison, a header or a proxy configuration: refused
// with file:line:col, the key and what was expected, before anything starts.
#include <gtest/gtest.h>

#include "runner/scenario_files.hpp"
#include "test_helpers.hpp"

namespace sc {
namespace {

using test::scenario_error_of;

using test::kTwo;

TEST(ScenarioValues, NanWeightIsRefused) {
  EXPECT_EQ(scenario_error_of("name: t\nbackends:\n  - name: a\n    weight: nan\n"),
            "s.yaml:4:13: backends[0].weight: expected a number from 1 to 100, got 'nan'");
}

TEST(ScenarioValues, NanInfAndNegativeThresholdsAreRefused) {
  EXPECT_EQ(scenario_error_of(std::string(kTwo) + "expect:\n  min_sticky_share: nan\n"),
            "s.yaml:6:21: expect.min_sticky_share: expected a number from 0 to 1, got 'nan'");
  EXPECT_EQ(scenario_error_of(std::string(kTwo) + "expect:\n  max_error_rate: inf\n"),
            "s.yaml:6:19: expect.max_error_rate: expected a number from 0 to 1, got 'inf'");
  EXPECT_EQ(scenario_error_of(std::string(kTwo) + "expect:\n  alpha: -nan\n"),
            "s.yaml:6:10: expect.alpha: expected a number from 1e-12 to 0.5, got '-nan'");
  EXPECT_EQ(scenario_error_of(std::string(kTwo) + "traffic:\n  cookieless_share: -0.5\n"),
            "s.yaml:6:21: traffic.cookieless_share: expected a number from 0 to 1, got '-0.5'");
}

TEST(ScenarioValues, NanDurationIsRefused) {
  EXPECT_EQ(scenario_error_of(std::string(kTwo) + "traffic:\n  pause: nans\n"),
            "s.yaml:6:10: traffic.pause: expected a duration such as 500ms or 5s (at most 1 "
            "hour), got 'nans'");
}

TEST(ScenarioValues, RouteThatWouldInjectApacheDirectivesIsRefused) {
  EXPECT_EQ(scenario_error_of("name: t\nbackends:\n  - name: a\n    route: \"x\\nListen 0.0.0.0:8080\\n"
                     "ProxyPass / http://evil/\"\n"),
            "s.yaml:4:12: backends[0].route: expected a route of at most 64 letters, digits, "
            "'-', '_', '.' or '~', got 'x\\nListen 0.0.0.0:8080\\nProxyPass / http://evil/'");
}

TEST(ScenarioValues, HeaderValuesWithLineBreaksAreRefused) {
  EXPECT_EQ(scenario_error_of("name: t\nbackend_defaults:\n  id_separator: \"\\r\"\nbackends:\n"
                     "  - name: a\n"),
            "s.yaml:3:17: backend_defaults.id_separator: expected a character a cookie value "
            "may hold (not a space, control character, '\"', ',', ';' or '\\'), got '\\r'");
  EXPECT_EQ(scenario_error_of("name: t\nbackends:\n  - name: a\n    route_cookie: \"B=x\\r\\nX: y\"\n"),
            "s.yaml:4:19: backends[0].route_cookie: expected a Set-Cookie value such as "
            "'BALANCEID=balancer.{name}; path=/', without control characters, got "
            "'B=x\\r\\nX: y'");
  EXPECT_EQ(scenario_error_of("name: t\nbackends:\n  - name: a\n    session_cookie: \"PHP SESSID\"\n"),
            "s.yaml:4:21: backends[0].session_cookie: expected a cookie name of RFC 6265 token "
            "characters (letters, digits, !#$%&'*+-.^_`|~), got 'PHP SESSID'");
}

TEST(ScenarioValues, TrafficPathWithALineBreakIsRefused) {
  EXPECT_EQ(scenario_error_of(std::string(kTwo) + "traffic:\n  path: \"/a\\r\\nX: y\"\n"),
            "s.yaml:6:9: traffic.path: expected a path of visible ASCII characters "
            "(percent-encode the rest), got '/a\\r\\nX: y'");
}

TEST(ScenarioValues, StickysessionMustBeACookieNameOrCookieBarParam) {
  EXPECT_EQ(scenario_error_of(std::string(kTwo) + "proxy:\n  stickysession: \"A\\nB\"\n"),
            "s.yaml:6:18: proxy.stickysession: expected a cookie name or COOKIE|param (RFC "
            "6265 token characters), got 'A\\nB'");
  auto ok = load_scenario_text(
      std::string(kTwo) + "proxy:\n  stickysession: JSESSIONID|jsessionid\n", "s.yaml");
  EXPECT_TRUE(ok.ok()) << ok.error().message;
}

TEST(ScenarioValues, SessionStoreBoundsAreReadFromDefaultsAndBackends) {
  auto r = load_scenario_text(
      "name: t\nbackend_defaults:\n  session_lifetime: 8h\nbackends:\n"
      "  - name: a\n    session_max: 50\n  - name: b\n",
      "s.yaml");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->backends[0].options.session_max, 50u);
  EXPECT_EQ(r->backends[1].options.session_lifetime, std::chrono::hours(8));
  EXPECT_EQ(scenario_error_of("name: t\nbackends:\n  - name: a\n    session_lifetime: forever\n"),
            "s.yaml:4:23: backends[0].session_lifetime: expected a duration such as 1440s, 30m, "
            "8h or 2d (at most 365 days), got 'forever'");
}

TEST(ScenarioValues, UnboundedStoreHoldsAtLeastEverySessionOfTheTraffic) {
  auto r = load_scenario_text(std::string(kTwo) + "traffic:\n  sessions: 300000\n", "s.yaml");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->backends[0].options.session_max, 300000u);
}

}  // namespace
}  // namespace sc
