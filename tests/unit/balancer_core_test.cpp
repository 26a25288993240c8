// mod_proxy_balancer decisions: byrequests order, sticky routing, failover, nofailover.
#include "balancer/balancer_core.hpp"

#include <gtest/gtest.h>

namespace sc {
namespace {

using std::chrono::seconds;

BalancerConfig config_with(std::vector<std::pair<std::string, double>> members,
                           const std::string& sticky = "") {
  BalancerConfig c;
  int port = 8001;
  for (auto& [route, lf] : members) {
    auto m = parse_member("http://127.0.0.1:" + std::to_string(port++) + " route=" + route +
                          " loadfactor=" + std::to_string(lf));
    EXPECT_TRUE(m.ok());
    c.members.push_back(*m);
  }
  if (sticky.empty()) return c;
  EXPECT_TRUE(apply_balancer_param(c, "stickysession=" + sticky).ok());
  return c;
}

std::string sequence(BalancerCore& core, int n, SteadyTime now = {}) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    auto d = core.choose("/", "", now);
    out += d.member >= 0 ? core.members()[d.member].config.route : "-";
  }
  return out;
}

TEST(ByRequests, WeightsOneOneOneTwoFromColdStart) {
  BalancerCore core(config_with({{"a", 1}, {"b", 1}, {"c", 1}, {"d", 2}}));
  EXPECT_EQ(sequence(core, 10), "dabcddabcd");
}

TEST(ByRequests, EqualWeightsAlternateFromTheFirstMember) {
  BalancerCore core(config_with({{"a", 1}, {"b", 1}}));
  EXPECT_EQ(sequence(core, 6), "ababab");
}

TEST(ByRequests, DecimalLoadfactors) {
  BalancerCore core(config_with({{"a", 1.5}, {"b", 1}}));
  // lbfactor 150 and 100: a gets 3 of every 5.
  auto s = sequence(core, 10);
  EXPECT_EQ(std::count(s.begin(), s.end(), 'a'), 6);
}

TEST(Sticky, RouteInCookieSelectsMember) {
  BalancerCore core(config_with({{"www1", 1}, {"www2", 1}}, "BALANCEID"));
  auto d = core.choose("/", "BALANCEID=balancer.www2", {});
  EXPECT_EQ(d.member, 1);
  EXPECT_FALSE(d.route_changed);
  ASSERT_EQ(d.log.size(), 2u);
  EXPECT_EQ(d.log[0], "AH01160: Found value balancer.www2 for stickysession BALANCEID");
  EXPECT_EQ(d.log[1], "AH01161: Found route www2");
}

TEST(Sticky, UrlParameterLogsAH01159) {
  BalancerCore core(config_with({{"www1", 1}, {"www2", 1}}, "ROUTEID"));
  auto d = core.choose("/q?ROUTEID=.www1", "", {});
  EXPECT_EQ(d.member, 0);
  EXPECT_EQ(d.log[0], "AH01159: Found value .www1 for stickysession ROUTEID");
}

TEST(Sticky, StickyHitsStillUpdateLbstatus) {
  BalancerCore core(config_with({{"www1", 1}, {"www2", 1}}, "BALANCEID"));
  // Two sticky hits on www1 make www2 the next balanced choice twice.
  core.choose("/", "BALANCEID=x.www1", {});
  core.choose("/", "BALANCEID=x.www1", {});
  EXPECT_EQ(core.members()[0].lbstatus, -200);
  EXPECT_EQ(core.members()[1].lbstatus, 200);
  EXPECT_EQ(core.choose("/", "", {}).member, 1);
}

TEST(Sticky, PhpSessionIdHasNoRouteSoRequestsAreBalanced) {
  BalancerCore core(config_with({{"www1", 1}, {"www2", 1}}, "PHPSESSID"));
  auto a = core.choose("/", "PHPSESSID=0dnp3dbk7gsklprj2uer7knama", {});
  auto b = core.choose("/", "PHPSESSID=0dnp3dbk7gsklprj2uer7knama", {});
  EXPECT_NE(a.member, b.member);
  EXPECT_TRUE(a.route_changed);
  EXPECT_FALSE(a.sticky.route);
}

TEST(Sticky, UnknownRouteIsBalancedWithoutError) {
  BalancerConfig c = config_with({{"www1", 1}, {"www2", 1}}, "BALANCEID");
  c.nofailover = true;
  BalancerCore core(c);
  auto d = core.choose("/", "BALANCEID=x.www9", {});
  EXPECT_EQ(d.status, 0);
  EXPECT_GE(d.member, 0);
}

TEST(Failover, MemberInErrorIsSkippedUntilRetryPasses) {
  BalancerCore core(config_with({{"www1", 1}, {"www2", 1}}, "BALANCEID"));
  SteadyTime t0{};
  core.connect_failed(0, t0);
  auto d = core.choose("/", "BALANCEID=x.www1", t0 + seconds(1));
  EXPECT_EQ(d.member, 1);  // sticky member unusable: balanced to the other
  EXPECT_TRUE(d.route_changed);
  auto at_retry = core.choose("/", "BALANCEID=x.www1", t0 + seconds(60));
  EXPECT_EQ(at_retry.member, 1);  // httpd retries only once MORE than `retry` has passed
  auto later = core.choose("/", "BALANCEID=x.www1", t0 + seconds(61));
  EXPECT_EQ(later.member, 0);
}

TEST(Failover, NofailoverAnswers503ForAKnownRouteOnly) {
  BalancerConfig c = config_with({{"www1", 1}, {"www2", 1}}, "BALANCEID");
  c.nofailover = true;
  BalancerCore core(c);
  core.connect_failed(0, {});
  auto d = core.choose("/", "BALANCEID=x.www1", {});
  EXPECT_EQ(d.status, 503);
  EXPECT_EQ(d.log.back(),
            "AH01167: balancer://stickycheck: All workers are in error state for route (www1)");
}

TEST(Failover, ForceRecoveryClearsErrorsWhenAllMembersAreInError) {
  BalancerCore core(config_with({{"www1", 1}, {"www2", 1}}));
  core.connect_failed(0, {});
  core.connect_failed(1, {});
  auto d = core.choose("/", "", {});
  EXPECT_EQ(d.status, 0);
  EXPECT_GE(d.member, 0);
}

TEST(Failover, WithoutForceRecoveryAllInErrorIs503) {
  BalancerConfig c = config_with({{"www1", 1}, {"www2", 1}});
  ASSERT_TRUE(apply_balancer_param(c, "forcerecovery=Off").ok());
  BalancerCore core(c);
  core.connect_failed(0, {});
  core.connect_failed(1, {});
  auto d = core.choose("/", "", {});
  EXPECT_EQ(d.status, 503);
  EXPECT_EQ(d.log.back(), "AH01170: balancer://stickycheck: All workers are in error state");
}

TEST(BalancerParams, UnknownParameterSuggestsTheRealOne) {
  BalancerConfig c;
  auto st = apply_balancer_param(c, "failover=Off");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "unknown Balancer parameter 'failover' (did you mean 'nofailover'?)");
  auto typo = apply_balancer_param(c, "stickysesion=X");
  EXPECT_EQ(typo.error().message,
            "unknown Balancer parameter 'stickysesion' (did you mean 'stickysession'?)");
}

TEST(BalancerParams, SeparatorAndScolonSurviveALaterStickysession) {
  BalancerConfig c;
  ASSERT_TRUE(apply_balancer_param(c, "stickysessionsep=-").ok());
  ASSERT_TRUE(apply_balancer_param(c, "scolonpathdelim=On").ok());
  ASSERT_TRUE(apply_balancer_param(c, "stickysession=JSESSIONID|jsessionid").ok());
  EXPECT_EQ(c.sticky.separator, '-');
  EXPECT_TRUE(c.sticky.semicolon_delimits);
  ASSERT_TRUE(apply_balancer_param(c, "stickysessionsep=Off").ok());
  EXPECT_EQ(c.sticky.separator, 0);
}

TEST(MemberParams, ParsesUrlRouteLoadfactorRetry) {
  auto m = parse_member("http://127.0.0.1:8081 route=www1 loadfactor=2.5 retry=5");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->host, "127.0.0.1");
  EXPECT_EQ(m->port, 8081);
  EXPECT_EQ(m->route, "www1");
  EXPECT_EQ(m->lbfactor(), 250);
  EXPECT_EQ(m->retry, seconds(5));
}

TEST(MemberParams, RejectsBadValuesLikeHttpd) {
  EXPECT_EQ(parse_member("http://127.0.0.1:8081 loadfactor=101").error().message,
            "BalancerMember http://127.0.0.1:8081: LoadFactor must be a number between 1..100");
  EXPECT_EQ(parse_member("http://127.0.0.1:8081 loadfactor=nan").error().message,
            "BalancerMember http://127.0.0.1:8081: LoadFactor must be a number between 1..100");
  EXPECT_EQ(parse_member("http://127.0.0.1:8081 colour=red").error().message,
            "BalancerMember http://127.0.0.1:8081: unknown Worker parameter 'colour'");
  EXPECT_EQ(parse_member("ftp://x").error().message,
            "BalancerMember: 'ftp://x' is not an http://host:port (or ws://) URL");
}

// The proxy looks the sticky value up before it takes the state's lock and hands it over.
TEST(StickyLookedUpFirst, DecidesAndLogsAsTheLookupFromTheRequest) {
  BalancerCore from_request(config_with({{"a", 1}, {"b", 1}}, "ROUTEID"));
  BalancerCore looked_up(config_with({{"a", 1}, {"b", 1}}, "ROUTEID"));
  for (const char* cookie : {"ROUTEID=.b", "ROUTEID=.a", "ROUTEID=.zz", "", "ROUTEID=.b"}) {
    auto a = from_request.choose("/", cookie, {});
    auto b = looked_up.choose(find_sticky(looked_up.config().sticky, "/", cookie), {});
    EXPECT_EQ(a.member, b.member) << cookie;
    EXPECT_EQ(a.route_changed, b.route_changed) << cookie;
    EXPECT_EQ(a.sticky.route, b.sticky.route) << cookie;
    EXPECT_EQ(a.log, b.log) << cookie;
    EXPECT_FALSE(b.log.empty()) << cookie;
  }
  EXPECT_EQ(looked_up.members()[1].elected, 3);  // .b twice, and one of the two balanced picks
}

}  // namespace
}  // namespace sc
