// Scenarios whose proxy is an Apache configuration read by the reference balancer.
#include <gtest/gtest.h>

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
