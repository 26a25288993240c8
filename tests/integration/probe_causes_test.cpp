// Every cause a probe gives from what a site does keeps a pair of tests: a probe that must
// produce it and a near-identical one that must not, each against real PHP applications
// (fixtures/php/) behind a real proxy. The causes the site's transport gives (a member gone, a
// site that stops answering) are in probe_transport_causes_test.cpp; older pairs in
// probe_verdicts_test.cpp and probe_apps_test.cpp (docs/probe.md#causes-seen-from-outside).
#include <gtest/gtest.h>

#include <algorithm>

#include "php_site.hpp"

namespace sc::test {
namespace {

const std::vector<std::string> kByTheBody = {"--identify", "json:/backend"};

// A probe of a site started from `options`; a site that does not start fails the test.
ProbeResult probe_started(const PhpSiteOptions& options, const ProbeOptions& probe = {}) {
  auto site = PhpSite::start(options);
  if (!site.ok()) {
    ADD_FAILURE() << site.error().message;
    return {};
  }
  return run_probe((*site)->url(), probe);
}

PhpSiteOptions with_env(PhpSiteOptions o, std::initializer_list<std::string> env) {
  o.backend_env.insert(o.backend_env.end(), env);
  return o;
}

// --- What the cookies show -------------------------------------------------------------------

// HAProxy's cookie under Azure Application Gateway's name: by its name an opaque affinity
// cookie, so it proves stickiness and names no member; auto takes it by its behaviour, as a
// candidate only (exit 3).
TEST(ProbeCauses, AffinityCookieThatNamesNoMemberIsSaidToProveOnlyStickiness) {
  const auto r = probe_started(sites::haproxy_cookie_named("ApplicationGatewayAffinity"));
  EXPECT_EQ(r.cli.exit_code, 3) << r.describe();
  EXPECT_TRUE(said(r,
                   "ApplicationGatewayAffinity (Azure Application Gateway) shows that "
                   "stickiness is on, but the value is opaque: it cannot say which member "
                   "answered."))
      << r.describe();
}

TEST(ProbeCauses, ServerCookieThatNamesTheMemberIsNotSaidToProveOnlyStickiness) {
  const auto r = probe_started(sites::haproxy_cookie_named("SRV"));
  EXPECT_EQ(r.cli.exit_code, 0) << r.describe();
  EXPECT_FALSE(said(r, "shows that stickiness is on")) << r.describe();
}

// The ROUTEID recipe without its dot: Apache never finds a route in ROUTEID=www1, balances
// every request afresh and the strict PHP sessions are lost (exit 1). One session at a time,
// so byrequests alternates each session's requests and ROUTEID is re-set with the other
// member on every answer: that is the missing route's doing, not a rotating cookie's (before,
// it was also named as one).
TEST(ProbeCauses, RouteCookieWithoutItsDotIsSaidToCarryNoRoute) {
  const auto r = probe_started(sites::apache_routeid_without_dot(), {.concurrency = 1});
  EXPECT_EQ(r.cli.exit_code, 1) << r.describe();
  EXPECT_TRUE(said(r,
                   "ROUTEID is an Apache route cookie but the value carries no route after "
                   "'.': mod_proxy_balancer never finds a member from it."))
      << r.describe();
  EXPECT_FALSE(said(r, "was set with a new value on every one")) << r.describe();
}

TEST(ProbeCauses, RouteCookieWithItsDotIsNotSaidToCarryNoRoute) {
  const auto r = probe_started(sites::apache_routeid(), {.concurrency = 1});
  EXPECT_EQ(r.cli.exit_code, 0) << r.describe();
  EXPECT_FALSE(said(r, "carries no route")) << r.describe();
}

// A stick table on PHPSESSID keeps every session on its server with no cookie of the
// balancer's own: the probe passes (the body names the backend) and says what keys instead.
TEST(ProbeCauses, StickinessWithoutAnAffinityCookieIsSaidToKeyOnSomethingElse) {
  const auto r = probe_started(sites::haproxy_stick_table(), {.extra = kByTheBody});
  EXPECT_EQ(r.cli.exit_code, 0) << r.describe();
  EXPECT_TRUE(said(r,
                   "No cookie set by the server looks like a balancer's own affinity cookie: "
                   "stickiness, if any, keys on something else"))
      << r.describe();
}

TEST(ProbeCauses, InsertedServerCookieIsNoCaseOfNoAffinityCookie) {
  const auto r = probe_started(sites::haproxy_cookie_insert(), {.extra = kByTheBody});
  EXPECT_EQ(r.cli.exit_code, 0) << r.describe();
  EXPECT_FALSE(said(r, "No cookie set by the server looks like")) << r.describe();
}

// A cookie re-set with a new value on every answer beside HAProxy's sticky SRV: whatever keys
// on it sees another value each time. Said as a cookie defect; affinity still passes.
TEST(ProbeCauses, RotatingCookieIsNamedAsACookieDefect) {
  const auto r = probe_started(with_env(
      sites::haproxy_cookie_insert(), {"VISITOR_COOKIE=tracker", "VISITOR_COOKIE_EVERY_ANSWER=1"}));
  EXPECT_EQ(r.cli.exit_code, 0) << r.describe();
  EXPECT_TRUE(said(r,
                   "tracker was set with a new value on every one of the 5 responses of a "
                   "session: whatever keys on its value sees a different one each time"))
      << r.describe();
}

TEST(ProbeCauses, CookieSetOnceIsNoRotatingCookie) {
  const auto r =
      probe_started(with_env(sites::haproxy_cookie_insert(), {"VISITOR_COOKIE=tracker"}));
  EXPECT_EQ(r.cli.exit_code, 0) << r.describe();
  EXPECT_FALSE(said(r, "was set with a new value on every one")) << r.describe();
}

// The twin of ProbeVerdicts.SessionCookieResealedOnEveryAnswerIsNoLoss: the same sealed
// laravel_session, set once and never re-made, gets no word about re-sealing.
TEST(ProbeCauses, SealedSessionCookieSetOnceIsNotSaidToBeResealed) {
  const auto r =
      probe_started(with_env(sites::haproxy_cookie_insert_sealed_session(), {"SEALED_ONCE=1"}));
  EXPECT_EQ(r.cli.exit_code, 0) << r.describe();
  EXPECT_EQ(r.scenario["metrics"]["session_losses"], 0) << r.describe();
  EXPECT_FALSE(said(r, "is encrypted or signed")) << r.describe();
}

// fixtures/php/broken-cookies behind HAProxy (its own sticky cookie STICKY), probed as
// shop.test, a name that is no secure context over http; `sound`: the same cookies set with
// attributes that work.
ProbeResult probe_of_cookie_attributes(bool sound, const std::string& host = "shop.test") {
  auto options = sites::haproxy_cookie_named("STICKY");
  options.docroot = "fixtures/php/broken-cookies";
  if (sound) options.backend_env.push_back("SOUND_COOKIES=1");
  auto site = PhpSite::start(options);
  if (!site.ok()) {
    ADD_FAILURE() << site.error().message;
    return {};
  }
  const std::string port = std::to_string((*site)->port());
  return run_probe(
      "http://" + host + ":" + port + "/",
      {.extra = {"--identify", "json:/backend", "--resolve", host + ":" + port + ":127.0.0.1"}});
}

// A cause that starts with the cookie's name and holds `attribute` (any, when empty).
bool names_cookie_attribute(const ProbeResult& r, const std::string& cookie,
                            const std::string& attribute) {
  const auto& causes = r.scenario["diagnosis"];
  return std::any_of(causes.begin(), causes.end(), [&](const nlohmann::json& c) {
    const auto text = c.get<std::string>();
    return text.starts_with(cookie + " ") && text.find(attribute) != std::string::npos;
  });
}

const std::vector<std::pair<std::string, std::string>> kBrokenAttributes = {
    {"PHPSESSID", "Secure on the plain http URL of shop.test"},
    {"SRV", "Path=/elsewhere, which does not cover the probed path /"},
    {"ROUTEID", "Domain=other.example, which does not cover the host shop.test"},
    {"lb", "SameSite=None but without Secure"},
    {"stale", "Max-Age=0: the client deletes it at once"}};

TEST(ProbeCauses, CookieAttributesThatLoseTheCookieAreEachNamed) {
  const auto r = probe_of_cookie_attributes(false);
  EXPECT_EQ(r.cli.exit_code, 0) << r.describe();
  for (const auto& broken : kBrokenAttributes)
    EXPECT_TRUE(names_cookie_attribute(r, broken.first, broken.second))
        << broken.first << " with " << broken.second << ":\n"
        << r.describe();
}

TEST(ProbeCauses, SoundCookieAttributesAreNeverNamed) {
  const auto r = probe_of_cookie_attributes(true);
  EXPECT_EQ(r.cli.exit_code, 0) << r.describe();
  for (const auto& broken : kBrokenAttributes)
    EXPECT_FALSE(names_cookie_attribute(r, broken.first, "")) << broken.first << r.describe();
}

// Browsers keep and send a Secure cookie over http on their own machine: probed as 127.0.0.1,
// PHPSESSID's Secure is no defect, while the other broken cookies still are.
TEST(ProbeCauses, SecureCookieOnTheLoopbackAddressIsNotNamed) {
  const auto r = probe_of_cookie_attributes(false, "127.0.0.1");
  EXPECT_EQ(r.cli.exit_code, 0) << r.describe();
  EXPECT_FALSE(said(r, "Secure on the plain http URL")) << r.describe();
  EXPECT_TRUE(names_cookie_attribute(r, "SRV", "Path=/elsewhere")) << r.describe();
}

// --- What told the backends apart ------------------------------------------------------------

// One member behind HAProxy: SRV names www1 on every answer, which could show no move.
TEST(ProbeCauses, OneMemberBehindTheBalancerIsSaidToNameOneBackend) {
  auto options = sites::haproxy_cookie_insert();
  options.backends = 1;
  const auto r = probe_started(options);
  EXPECT_EQ(r.cli.exit_code, 3) << r.describe();
  EXPECT_TRUE(said(r,
                   "Every identified response named the same backend (www1) across 12 "
                   "sessions: one member served everything, or cookie:SRV (HAProxy server "
                   "cookie) does not tell members apart."))
      << r.describe();
}

TEST(ProbeCauses, TwoMembersBehindTheBalancerAreNotSaidToBeOne) {
  const auto r = probe_started(sites::haproxy_cookie_insert());
  EXPECT_EQ(r.cli.exit_code, 0) << r.describe();
  EXPECT_FALSE(said(r, "named the same backend")) << r.describe();
}

// A cache in front names its node in X-Served-By, the only header that varies: never taken as
// the backend, and said so. Beside the backends' own X-Backend it is not "the only one".
TEST(ProbeCauses, CacheNodeHeaderThatAloneVariesIsSaidToNameTheCache) {
  const auto r = probe_started(sites::haproxy_cache_node_header());
  EXPECT_EQ(r.cli.exit_code, 0) << r.describe();
  EXPECT_EQ(r.scenario["probe"]["identified_by"], "cookie:SRV (HAProxy server cookie)")
      << r.describe();
  EXPECT_TRUE(said(r,
                   "X-Served-By names the cache node that answered, not the backend: a "
                   "cache's or CDN's headers are never taken as the backend's identity."))
      << r.describe();
}

TEST(ProbeCauses, CacheNodeHeaderBesideABackendHeaderIsNotSaidToBeTheOnlyOne) {
  const auto r = probe_started(with_env(sites::haproxy_cache_node_header(), {"BACKEND_HEADER=1"}));
  EXPECT_EQ(r.cli.exit_code, 0) << r.describe();
  EXPECT_FALSE(said(r, "X-Served-By names the cache node")) << r.describe();
}

// A JSESSIONID that carries the member's route after `separator` (Apache routes by it with
// stickysessionsep): auto finds the route and the probe passes on it; its causes never say
// the sessions were too few to tell.
void expect_route_after(char separator) {
  const auto r = probe_started(sites::apache_jsessionid_route_suffix(separator));
  EXPECT_EQ(r.cli.exit_code, 0) << r.describe();
  EXPECT_EQ(r.scenario["probe"]["identified_by"],
            std::string("cookie:JSESSIONID (route after '") + separator + "')")
      << r.describe();
  EXPECT_EQ(r.scenario["probe"]["confidence"], "high") << r.describe();
  EXPECT_TRUE(r.scenario["metrics"]["backends"].contains("www1")) << r.describe();
  EXPECT_TRUE(r.scenario["metrics"]["backends"].contains("www2")) << r.describe();
  EXPECT_FALSE(said(r, "too few to tell")) << r.describe();
}

// The same balancer with ids of `form` that hold `separator` but no route: Apache finds no
// member in them and the sessions are lost. The separator is no route, the Apache story is.
void expect_no_route_in(char separator, const std::string& form) {
  const auto r = probe_started(sites::apache_jsessionid_without_route(separator, form));
  EXPECT_EQ(r.cli.exit_code, 1) << r.describe();
  EXPECT_EQ(r.scenario["probe"]["identified_by"], "none") << r.describe();
  EXPECT_GT(r.scenario["metrics"]["session_losses"].get<int>(), 0) << r.describe();
  EXPECT_TRUE(said(r, "and no cookie carries a route: with Apache mod_proxy_balancer"))
      << r.describe();
}

TEST(ProbeCauses, RouteAfterADashInTheSessionCookieNamesTheBackend) { expect_route_after('-'); }

TEST(ProbeCauses, DashesOfAUuidSessionIdAreNoRoute) { expect_no_route_in('-', "uuid"); }

TEST(ProbeCauses, RouteAfterAColonInTheSessionCookieNamesTheBackend) { expect_route_after(':'); }

TEST(ProbeCauses, ColonBetweenTwoRandomHalvesOfASessionIdIsNoRoute) {
  expect_no_route_in(':', "pair");
}

// The route after '-' on 6 sessions: found, but too few sessions to be sure of it (its twin
// with 12 sessions is RouteAfterADashInTheSessionCookieNamesTheBackend).
TEST(ProbeCauses, RouteFoundOnFewSessionsIsSaidToBeUnsure) {
  const auto r = probe_started(sites::apache_jsessionid_route_suffix('-'), {.sessions = 6});
  EXPECT_EQ(r.cli.exit_code, 0) << r.describe();
  EXPECT_EQ(r.scenario["probe"]["confidence"], "medium") << r.describe();
  EXPECT_TRUE(said(r,
                   "Only 6 sessions: too few to tell a routing cookie from a session id with "
                   "certainty"))
      << r.describe();
}

// The twin of ProbeVerdicts.LossesBesideACandidateCookieFailWithTheirCause: PHP's own lenient
// sessions lose nothing, so no losses cause beside the candidate (exit 3: a candidate only).
TEST(ProbeCauses, CandidateCookieWithoutLossesGetsNoLossesCause) {
  const auto r = probe_started(sites::haproxy_roundrobin_ab_cookie());
  EXPECT_EQ(r.cli.exit_code, 3) << r.describe();
  EXPECT_EQ(r.scenario["metrics"]["session_losses"], 0) << r.describe();
  EXPECT_FALSE(said(r, "found their session gone")) << r.describe();
}

// --- What the answers were -------------------------------------------------------------------

// The twin of ProbeVerdicts.PageThatIsNotFoundEverywhereIsNeverAPass: a path the site has.
TEST(ProbeCauses, PageThatExistsGetsNoNotFoundCause) {
  const auto r = probe_started(sites::haproxy_cookie_insert(), {.extra = {"--path", "/index.php"}});
  EXPECT_EQ(r.cli.exit_code, 0) << r.describe();
  EXPECT_FALSE(said(r, "answers were")) << r.describe();
}

// The twin of ProbeVerdicts.RedirectsToALoginAreSaidWithTheirLocation: sessions given a
// logged-in state with --cookie, as that cause advises, see the application's pages.
TEST(ProbeCauses, LoggedInSessionsGetNoRedirectCause) {
  const auto r = probe_started(sites::haproxy_cookie_insert_login_redirect(),
                               {.extra = {"--cookie", "logged_in=1"}});
  EXPECT_EQ(r.cli.exit_code, 0) << r.describe();
  EXPECT_FALSE(said(r, "redirects")) << r.describe();
}

}  // namespace
}  // namespace sc::test
