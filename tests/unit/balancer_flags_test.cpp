// Member status flags, lbsets, redirects and the other lbmethods (spec §2, §3).
#include <gtest/gtest.h>

#include "balancer/balancer_core.hpp"

namespace sc {
namespace {

using std::chrono::seconds;

// Members given as "route params..." lines; stickysession=R.
BalancerCore make(std::vector<std::string> members, std::vector<std::string> params = {}) {
  BalancerConfig c;
  int port = 9001;
  for (const auto& m : members) {
    auto space = m.find(' ');
    std::string route = m.substr(0, space);
    std::string rest = space == std::string::npos ? "" : m.substr(space);
    auto parsed = parse_member("http://127.0.0.1:" + std::to_string(port++) + " route=" + route + rest);
    EXPECT_TRUE(parsed.ok()) << parsed.error().message;
    c.members.push_back(*parsed);
  }
  EXPECT_TRUE(apply_balancer_param(c, "stickysession=R").ok());
  for (const auto& p : params) EXPECT_TRUE(apply_balancer_param(c, p).ok()) << p;
  return BalancerCore(c);
}

std::string route(BalancerCore& core, const std::string& cookie = "", SteadyTime now = {}) {
  auto d = core.choose("/", cookie, now);
  if (d.status) return std::to_string(d.status);
  core.finished(d.member, 0, 0);
  return core.members()[d.member].config.route;
}

std::string routes(BalancerCore& core, int n, const std::string& cookie = "") {
  std::string out;
  for (int i = 0; i < n; ++i) out += route(core, cookie) + " ";
  return out;
}

TEST(StatusFlags, ParseSetAndClear) {
  auto m = parse_member("http://h:1 status=+H-E+d");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(flag_letters(m->status), "DH");
  EXPECT_EQ(parse_member("http://h:1 status=X").error().message,
            "BalancerMember http://h:1: Unknown status parameter option");
}

TEST(StatusFlags, DisabledMemberIsNeitherStickyNorBalanced) {
  auto core = make({"a status=+D", "b"});
  EXPECT_EQ(routes(core, 3), "b b b ");
  EXPECT_EQ(route(core, "R=x.a"), "b");
}

TEST(StatusFlags, DrainKeepsStickySessionsButTakesNoNewOnes) {
  auto core = make({"a status=+N", "b"});
  EXPECT_EQ(routes(core, 3), "b b b ");
  EXPECT_EQ(route(core, "R=x.a"), "a");
}

TEST(StatusFlags, HotStandbyOnlyWhenNoNormalMemberIsUsable) {
  auto core = make({"a", "s status=+H"});
  EXPECT_EQ(routes(core, 3), "a a a ");
  core.set_flags(0, kFlagDisabled, 0);
  EXPECT_EQ(routes(core, 2), "s s ");
}

TEST(StatusFlags, StickyToAHotStandbyRouteIsSecondPass) {
  // Same route on a normal member and a standby: the normal one first, the standby after.
  auto core = make({"x status=+H", "x"});
  EXPECT_EQ(core.choose("/", "R=.x", {}).member, 1);
  core.set_flags(1, kFlagStopped, 0);
  EXPECT_EQ(core.choose("/", "R=.x", {}).member, 0);
}

TEST(StatusFlags, HotSpareReplacesUnusableMembersOneForOne) {
  auto core = make({"a", "b", "r status=+R"});
  EXPECT_EQ(routes(core, 2), "a b ");
  core.set_flags(0, kFlagDisabled, 0);
  EXPECT_EQ(routes(core, 4), "b r b r ");
}

TEST(StatusFlags, StoppedMemberInErrorIsNeverRetried) {
  auto core = make({"a status=+S", "b"});
  core.connect_failed(0, {});
  EXPECT_EQ(route(core, "R=.a", SteadyTime{} + seconds(3600)), "b");
}

TEST(StatusFlags, IgnoreErrorsMemberIsNeverMarkedInError) {
  auto core = make({"a status=+I", "b"});
  EXPECT_EQ(core.connect_failed(0, {}), "");
  EXPECT_TRUE(core.usable(0));
}

TEST(Lbset, LowerSetFirstHigherOnlyWhenItYieldsNothing) {
  auto core = make({"a lbset=1", "b", "c lbset=1"});
  EXPECT_EQ(routes(core, 2), "b b ");
  core.set_flags(1, kFlagDisabled, 0);
  EXPECT_EQ(routes(core, 2), "a c ");
}

TEST(Redirect, UnusableMemberHandsItsRouteOver) {
  auto core = make({"a redirect=b", "b", "c"});
  core.set_flags(0, kFlagDisabled, 0);
  auto d = core.choose("/", "R=x.a", {});
  EXPECT_EQ(core.members()[d.member].config.route, "b");
  EXPECT_TRUE(d.route_changed);
  EXPECT_EQ(d.log.back(), "AH01162: Route changed from a to b");
}

TEST(Redirect, LoopGuardEndsACycleAndFallsBackToBalancing) {
  auto core = make({"a redirect=b", "b redirect=a", "c"});
  core.set_flags(0, kFlagDisabled, 0);
  core.set_flags(1, kFlagDisabled, 0);
  EXPECT_EQ(route(core, "R=x.a"), "c");
}

TEST(Nofailover, RedirectAndStandbyAreTriedBefore503) {
  auto core = make({"a", "a status=+H", "b"}, {"nofailover=On"});
  core.set_flags(0, kFlagDisabled, 0);
  EXPECT_EQ(core.choose("/", "R=.a", {}).member, 1);  // the same-route standby
  core.set_flags(1, kFlagDisabled, 0);
  EXPECT_EQ(core.choose("/", "R=.a", {}).status, 503);
}

TEST(ForceRecovery, RunsBeforeTheStickyLookup) {
  auto core = make({"a", "b"});
  core.connect_failed(0, {});
  core.connect_failed(1, {});
  auto d = core.choose("/", "R=.a", {});
  EXPECT_EQ(d.member, 0);
  EXPECT_EQ(d.log.front(), "AH01165: balancer://stickycheck: Forcing recovery for worker (127.0.0.1:9001)");
}

TEST(ForceRecovery, NotWhenAMemberIsMerelyDisabled) {
  auto core = make({"a status=+D", "b"}, {"forcerecovery=On"});
  core.connect_failed(1, {});
  EXPECT_EQ(route(core), "503");
}

TEST(ByBusyness, FewestInFlightWins) {
  auto core = make({"a", "b"}, {"lbmethod=bybusyness"});
  auto first = core.choose("/", "", {});  // a, still in flight
  EXPECT_EQ(first.member, 0);
  EXPECT_EQ(core.choose("/", "", {}).member, 1);  // b, in flight too
  core.finished(0, 0, 0);
  EXPECT_EQ(core.choose("/", "", {}).member, 0);
}

TEST(ByTraffic, LeastBytesPerLoadfactorWins) {
  auto core = make({"a", "b loadfactor=2"}, {"lbmethod=bytraffic"});
  auto d = core.choose("/", "", {});
  EXPECT_EQ(d.member, 0);  // ties keep the first
  core.finished(0, 0, 300);  // a: 3 per factor unit
  EXPECT_EQ(core.choose("/", "", {}).member, 1);
  core.finished(1, 0, 1000);  // b: 5
  EXPECT_EQ(core.choose("/", "", {}).member, 0);
}

TEST(ByRequests, LogsLbstatusBeforeTheWinnerPaysTheTotal) {
  auto core = make({"a", "b"});
  auto d = core.choose("/", "", {});
  EXPECT_EQ(d.log[0], "AH10122: proxy: Entering byrequests for BALANCER (balancer://stickycheck)");
  EXPECT_EQ(d.log[1], "AH10123: proxy: byrequests selected worker \"http://127.0.0.1:9001\" : busy 0 : lbstatus 100");
  EXPECT_EQ(core.members()[0].lbstatus, -100);
}

}  // namespace
}  // namespace sc
