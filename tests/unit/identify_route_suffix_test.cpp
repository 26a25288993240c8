// `--identify auto` and a route suffix after any separator stickysessionsep allows: Tomcat's
// `id.node1`, WebLogic's `id!server`, `id-www1`, `id:www1`; and session ids that only look so.
#include <gtest/gtest.h>

#include <algorithm>

#include "identify/auto_identify.hpp"
#include "identify/route_suffix.hpp"

namespace sc::identify {
namespace {

using Sessions = std::vector<SessionObservation>;

bool shows_fact(const AutoIdentification& a, AutoFactKind kind) {
  return std::any_of(a.facts.begin(), a.facts.end(),
                     [&](const AutoFact& f) { return f.kind == kind; });
}

// The first response sets `cookie`=`values[0]`; each later value is set by the next
// response; the client sends the current value on every request after the first.
SessionObservation session_of(const std::string& cookie, const std::vector<std::string>& values,
                              int requests = 4) {
  SessionObservation s(requests);
  std::string current;
  for (int i = 0; i < requests; ++i) {
    if (!current.empty()) s[i].sent_cookies.push_back({cookie, current});
    if (static_cast<std::size_t>(i) < values.size()) {
      s[i].set_cookies.push_back({cookie, values[i]});
      current = values[i];
    }
  }
  return s;
}

// `sessions` sessions, each with its own id and the route of its turn (a sticky balancer).
Sessions routed(const std::string& cookie, char separator, const std::vector<std::string>& routes,
                int sessions) {
  Sessions out;
  for (int i = 0; i < sessions; ++i)
    out.push_back(session_of(cookie, {"k3j4h5g6f7d8s9a" + std::to_string(100 + i) + separator +
                                      routes[i % routes.size()]}));
  return out;
}

// Version 4 UUIDs, one per session, as some frameworks issue session ids.
Sessions uuid_sessions(const std::string& cookie, int sessions) {
  Sessions out;
  for (int i = 0; i < sessions; ++i) {
    auto n = std::to_string(1000 + i * 7919);
    out.push_back(
        session_of(cookie, {n + "f2a9c-1b" + n + "-4d5e-8f" + n.substr(1) + "-0a" + n + "b" + n}));
  }
  return out;
}

TEST(RouteSuffix, TomcatDotAfterAnAspNetSessionIdIsARoute) {
  auto a = auto_identify(routed("ASP.NET_SessionId", '.', {"node1", "node2"}, 20));
  EXPECT_EQ(a.kind, AutoSourceKind::route_suffix);
  EXPECT_EQ(a.source, "cookie:ASP.NET_SessionId (route after '.')");
  EXPECT_EQ(a.identities[1][2], "node2");
}

TEST(RouteSuffix, WebLogicBangInJsessionidIsARouteWithHighConfidence) {
  auto a = auto_identify(routed("JSESSIONID", '!', {"-1738296", "882817"}, 20));
  EXPECT_EQ(a.kind, AutoSourceKind::route_suffix);
  EXPECT_EQ(a.source, "cookie:JSESSIONID (route after '!')");
  EXPECT_EQ(a.confidence, Confidence::high);
  EXPECT_EQ(a.reason,
            "JSESSIONID carries a route after '!' (as Apache's stickysessionsep=! reads it): the "
            "part after it took 2 distinct value(s) across 20 sessions and stayed the same "
            "within each session, while the part before it differed from session to session.");
  EXPECT_EQ(a.identities[0][3], "-1738296");
  EXPECT_EQ(a.identities[1][0], "882817");
  EXPECT_FALSE(shows_fact(a, AutoFactKind::no_affinity_cookie));
}

TEST(RouteSuffix, DashAfterAPhpSessionIdIsARoute) {
  auto a = auto_identify(routed("PHPSESSID", '-', {"www1", "www2", "www3"}, 30));
  EXPECT_EQ(a.source, "cookie:PHPSESSID (route after '-')");
  EXPECT_EQ(a.identities[2][1], "www3");
}

TEST(RouteSuffix, ColonAfterASessionIdIsARoute) {
  auto a = auto_identify(routed("SESSION", ':', {"app1", "app2"}, 20));
  EXPECT_EQ(a.source, "cookie:SESSION (route after ':')");
  EXPECT_EQ(a.identities[3][0], "app2");
}

TEST(RouteSuffix, RouteCookieWithABangSeparatorNamesItsRoute) {
  auto a = auto_identify(routed("BALANCEID", '!', {"www1", "www2"}, 20));
  EXPECT_EQ(a.source, "cookie:BALANCEID (route after '!')");
  EXPECT_EQ(a.identities[1][0], "www2");
  EXPECT_FALSE(shows_fact(a, AutoFactKind::route_cookie_without_route));
}

TEST(RouteSuffix, SessionCookieNamedByTheProbeIsACandidate) {
  auto sessions = routed("APPSID", '!', {"www1", "www2"}, 20);
  EXPECT_NE(auto_identify(sessions).kind, AutoSourceKind::route_suffix);
  SessionCookieRule rule;
  rule.name = "APPSID";
  EXPECT_EQ(auto_identify(sessions, {}, rule).source, "cookie:APPSID (route after '!')");
}

TEST(RouteSuffix, UuidSessionIdsWithDashesAreNotRoutes) {
  auto a = auto_identify(uuid_sessions("PHPSESSID", 40));
  EXPECT_EQ(a.kind, AutoSourceKind::none);
  EXPECT_TRUE(shows_fact(a, AutoFactKind::session_cookie_without_route));
}

TEST(RouteSuffix, UuidSessionIdsAreNotRoutesEvenInFewSessions) {
  EXPECT_FALSE(find_route_suffix(uuid_sessions("PHPSESSID", 6)));
}

TEST(RouteSuffix, SuffixThatChangesUnderOneIdIsNotARoute) {
  auto sessions = routed("JSESSIONID", '!', {"s1", "s2"}, 20);
  sessions[4] = session_of("JSESSIONID", {"abc!s1", "abc!s2", "abc!s1"});
  EXPECT_FALSE(find_route_suffix(sessions));
}

TEST(RouteSuffix, SessionReissuedUnderANewIdMayCarryAnotherRoute) {
  auto sessions = routed("JSESSIONID", '!', {"s1", "s2"}, 20);
  sessions[4] = session_of("JSESSIONID", {"abc!s1", "def!s2"});
  auto a = auto_identify(sessions);
  EXPECT_EQ(a.kind, AutoSourceKind::route_suffix);
  EXPECT_EQ(a.identities[4][0], "s1");
  EXPECT_EQ(a.identities[4][1], "s2");
}

TEST(RouteSuffix, IdsSharedBetweenSessionsAreNoSessionIds) {
  Sessions sessions;
  for (int i = 0; i < 20; ++i)
    sessions.push_back(session_of("PHPSESSID", {i % 2 ? "guest!www1" : "guest!www2"}));
  EXPECT_FALSE(find_route_suffix(sessions));
}

TEST(RouteSuffix, OneRouteAcrossManySessionsIsNotTakenForOne) {
  EXPECT_FALSE(find_route_suffix(routed("PHPSESSID", '-', {"www1"}, 20)));
}

TEST(RouteSuffix, FewSessionsGiveMediumConfidenceAndAFact) {
  auto a = auto_identify(routed("JSESSIONID", '!', {"s1", "s2"}, 4));
  EXPECT_EQ(a.kind, AutoSourceKind::route_suffix);
  EXPECT_EQ(a.confidence, Confidence::medium);
  EXPECT_TRUE(shows_fact(a, AutoFactKind::few_sessions));
}

TEST(RouteSuffix, HeaderNamingTheBackendIsPreferredToARouteOnFewSessions) {
  auto sessions = routed("JSESSIONID", '!', {"s1", "s2"}, 4);
  for (std::size_t i = 0; i < sessions.size(); ++i)
    for (auto& e : sessions[i]) e.headers.push_back({"X-Backend", i % 2 ? "b" : "a"});
  EXPECT_EQ(auto_identify(sessions).source, "header:X-Backend");
}

TEST(RouteSuffix, ClearRouteIsPreferredToAHeader) {
  auto sessions = routed("JSESSIONID", '!', {"s1", "s2"}, 20);
  for (auto& s : sessions)
    for (auto& e : s) e.headers.push_back({"X-Backend", "proxy-1"});
  EXPECT_EQ(auto_identify(sessions).source, "cookie:JSESSIONID (route after '!')");
}

TEST(RouteSuffix, Base64PaddingIsNoRoute) {
  EXPECT_EQ(suffix_after("c2Vzc2lvbg==", '='), std::nullopt);
  EXPECT_EQ(suffix_after("id!www1!www2", '!'), "www1!www2");  // after the FIRST separator
}

}  // namespace
}  // namespace sc::identify
