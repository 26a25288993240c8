// Scenarios whose proxy is an Apache configuration read by the reference balancer.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "runner/launch_plan.hpp"
#include "runner/scenario_files.hpp"
#include "scenario/scenario_parser.hpp"

namespace sc {
namespace {

const std::string kRecipe = std::string(STICKYCHECK_SOURCE_DIR) +
                            "/fixtures/apache/manual-routeid-recipe.conf";

Result<Scenario> parse(const std::string& backends, const std::string& more = "") {
  return load_scenario_text(
      "name: t\nbackends: " + backends + "\nproxy:\n  apache_conf: " + kRecipe + "\n" + more,
      "s.yaml");
}

TEST(ScenarioApacheConf, BackendsTakeTheMembersRoutesAndTheStickyCookieIsWatched) {
  auto s = parse("[{name: www1}, {name: www2}]", "traffic: {path: /test/x}\n");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->backends[0].options.route, "1");
  EXPECT_EQ(s->backends[1].options.route, "2");
  EXPECT_EQ(s->proxy.sticky_cookie(), "ROUTEID");
  EXPECT_EQ(s->proxy.separator(), '.');
}

TEST(ScenarioApacheConf, MemberCountMustMatchTheBackends) {
  auto s = parse("[{name: a}, {name: b}, {name: c}]", "traffic: {path: /test/x}\n");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "s.yaml:4:16: proxy.apache_conf: " + kRecipe +
                                   " declares 2 BalancerMembers, but the scenario has 3 "
                                   "backends; they are paired in order");
}

TEST(ScenarioApacheConf, TrafficPathMustBeMapped) {
  auto s = parse("[{name: a}, {name: b}]");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "s.yaml:4:16: proxy.apache_conf: no ProxyPass in " + kRecipe +
                                   " maps traffic.path '/' to a balancer");
}

TEST(ScenarioApacheConf, BalancerKeysAreNotAllowedBesideIt) {
  auto s = load_scenario_text(
      "name: t\nbackends: [{name: a}]\nproxy:\n  apache_conf: x.conf\n"
      "  stickysession: X\n",
      "s.yaml");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message,
            "s.yaml:5:18: proxy.stickysession: not allowed with apache_conf: the configuration "
            "file sets it");
}

// The manual's recipe with `edit` applied to its balancer, written where the test can read it.
std::string recipe_with(const std::string& name, const std::string& from, const std::string& to) {
  std::ifstream in(kRecipe);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  text.replace(text.find(from), from.size(), to);
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

Result<Scenario> parse_with(const std::string& conf) {
  return load_scenario_text(
      "name: t\nbackends: [{name: www1}, {name: www2}]\nproxy:\n"
      "  apache_conf: " +
          conf + "\ntraffic: {path: /test/x}\n",
      "s.yaml");
}

// The refusal of the recipe with `from` replaced by `to`, from the configuration's line on
// (what comes before is "s.yaml:4:16: proxy.apache_conf: FILE").
std::string refusal_of(const std::string& name, const std::string& from, const std::string& to) {
  const auto conf = recipe_with(name, from, to);
  auto s = parse_with(conf);
  if (s.ok()) return "(accepted)";
  const std::string before = "s.yaml:4:16: proxy.apache_conf: " + conf;
  const std::string& message = s.error().message;
  return message.starts_with(before) ? message.substr(before.size()) : message;
}

TEST(ScenarioApacheConf, MemberRouteTheBackendCannotWriteIsRefusedWithItsLine) {
  EXPECT_EQ(refusal_of("bad-route.conf", "route=2", "route=a$b"),
            ":14: BalancerMember route: expected a route of at most 64 letters, digits, '-', "
            "'_', '.' or '~', got 'a$b'");
}

TEST(ScenarioApacheConf, MemberRouteIsNotCheckedWhenTheScenarioGivesTheBackendsRoute) {
  const auto conf = recipe_with("bad-route-given.conf", "route=2", "route=a$b");
  auto s = load_scenario_text(
      "name: t\nbackends: [{name: www1}, {name: www2, route: w2}]\n"
      "proxy:\n  apache_conf: " +
          conf + "\ntraffic: {path: /test/x}\n",
      "s.yaml");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->backends[1].options.route, "w2");
}

TEST(ScenarioApacheConf, StickySessionThatIsNoCookieNameIsRefusedWithItsLine) {
  EXPECT_EQ(refusal_of("bad-sticky.conf", "stickysession=ROUTEID", "\"stickysession=ROUTE ID\""),
            ":15: ProxySet stickysession: expected a cookie name or COOKIE|param (RFC 6265 token "
            "characters), got 'ROUTE ID'");
}

TEST(ScenarioApacheConf, StickySessionSeparatorACookieCannotHoldIsRefusedWithItsLine) {
  EXPECT_EQ(refusal_of("bad-sep.conf", "stickysession=ROUTEID",
                       "stickysession=ROUTEID stickysessionsep=;"),
            ":15: ProxySet stickysessionsep: expected a single character a cookie value may "
            "hold, or Off, got ';'");
}

TEST(ScenarioApacheConf, LaunchPlanPointsTheMembersAtTheBackends) {
  auto s = parse("[{name: www1}, {name: www2}]", "traffic: {path: /test/x}\n");
  ASSERT_TRUE(s.ok());
  auto plan = make_launch_plan(*s, "/bin/sc", "/tmp/rt", {9001, 9002, 9000});
  EXPECT_EQ(plan.proxy.spec.args,
            (std::vector<std::string>{"balancer", "--listen", "127.0.0.1:9000", "--manager",
                                      "/.stickycheck/balancer-manager", "--apache-conf", kRecipe,
                                      "--member-url", "http://127.0.0.1:9001", "--member-url",
                                      "http://127.0.0.1:9002"}));
}

}  // namespace
}  // namespace sc
