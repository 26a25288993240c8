// `--identify auto`: the post-run choice of source, its confidence, per-request identities
// and the facts handed to the diagnosis.
#include <gtest/gtest.h>

#include <algorithm>

#include "identify/auto_facts.hpp"
#include "identify/auto_identify.hpp"

namespace sc::identify {
namespace {

using Sessions = std::vector<SessionObservation>;

bool has_fact(const AutoIdentification& a, AutoFactKind kind) {
  return std::any_of(a.facts.begin(), a.facts.end(),
                     [&](const AutoFact& f) { return f.kind == kind; });
}

// A session of `requests` exchanges where the first response sets `cookie`=`value` and the
// client sends it back afterwards; `unique` adds a PHPSESSID unique to the session.
SessionObservation sticky_session(const std::string& cookie, const std::string& value, int requests,
                                  const std::string& session_id = "") {
  SessionObservation s;
  for (int i = 0; i < requests; ++i) {
    ExchangeObservation e;
    if (i == 0) {
      e.set_cookies.push_back({cookie, value});
      if (!session_id.empty()) e.set_cookies.push_back({"PHPSESSID", session_id});
    } else {
      e.sent_cookies.push_back({cookie, value});
      if (!session_id.empty()) e.sent_cookies.push_back({"PHPSESSID", session_id});
    }
    s.push_back(e);
  }
  return s;
}

Sessions spread(const std::string& cookie, const std::vector<std::string>& values, int sessions,
                int requests = 4) {
  Sessions out;
  for (int i = 0; i < sessions; ++i)
    out.push_back(sticky_session(cookie, values[i % values.size()], requests,
                                 "sess" + std::to_string(1000 + i)));
  return out;
}

Sessions with_header(const std::string& header, const std::vector<std::string>& values,
                     int sessions, int requests = 4) {
  Sessions out;
  for (int i = 0; i < sessions; ++i) {
    SessionObservation s(requests);
    for (auto& e : s) e.headers.push_back({header, values[i % values.size()]});
    out.push_back(s);
  }
  return out;
}

TEST(AutoIdentify, ApacheRouteCookieIsChosenWithHighConfidence) {
  auto a = auto_identify(spread("ROUTEID", {".www1", ".www2"}, 20));
  EXPECT_EQ(a.kind, AutoSourceKind::catalogue_cookie);
  EXPECT_EQ(a.source, "cookie:ROUTEID (Apache route)");
  EXPECT_EQ(a.confidence, Confidence::high);
  EXPECT_EQ(a.reason,
            "ROUTEID is the affinity cookie of Apache mod_proxy_balancer, and its value names "
            "the member (2 distinct values).");
  ASSERT_EQ(a.identities.size(), 20u);
  EXPECT_EQ(a.identities[0][0], "www1");
  EXPECT_EQ(a.identities[1][3], "www2");
  EXPECT_FALSE(has_fact(a, AutoFactKind::nothing_identifies));
}

TEST(AutoIdentify, BigipMembersAreRedactedLabels) {
  auto a = auto_identify(
      spread("BIGipServerweb", {"1677787402.36895.0000", "1694564618.36895.0000"}, 10));
  EXPECT_EQ(a.source, "cookie:BIGipServerweb (decoded BIG-IP address)");
  EXPECT_EQ(a.identities[0][0], redacted_member_label("10.1.1.100:8080"));
}

TEST(AutoIdentify, BackendHeaderIsChosenWhenNoCatalogueCookie) {
  auto a = auto_identify(with_header("X-Server", {"app-a", "app-b", "app-c"}, 12));
  EXPECT_EQ(a.kind, AutoSourceKind::header);
  EXPECT_EQ(a.source, "header:X-Server");
  EXPECT_EQ(a.confidence, Confidence::high);
  EXPECT_EQ(a.identities[2][1], "app-c");
}

TEST(AutoIdentify, HeaderNamesInAnyCaseGiveIdentities) {
  auto a = auto_identify(with_header("x-backend", {"app-a", "app-b"}, 6));
  EXPECT_EQ(a.source, "header:X-Backend");
  EXPECT_EQ(a.identities[1][0], "app-b");
}

TEST(AutoIdentify, ServerHeaderCountsOnlyWhenItVaries) {
  auto same = auto_identify(with_header("Server", {"Apache/2.4.57"}, 12));
  EXPECT_EQ(same.kind, AutoSourceKind::none);
  auto varies = auto_identify(with_header("Server", {"web-1", "web-2"}, 12));
  EXPECT_EQ(varies.source, "header:Server");
}

TEST(AutoIdentify, HeaderOnFewResponsesIsNotChosen) {
  auto sessions = with_header("X-Backend", {"a", "b"}, 10);
  for (auto& s : sessions)
    for (std::size_t i = 1; i < s.size(); ++i) s[i].headers.clear();
  EXPECT_EQ(auto_identify(sessions).kind, AutoSourceKind::none);
}

TEST(AutoIdentify, CacheNodeHeaderIsNeverChosenAndAFactSaysWhy) {
  auto a = auto_identify(with_header("X-Served-By", {"cache-fra19120-FRA", "cache-ams2-AMS"}, 12));
  EXPECT_EQ(a.kind, AutoSourceKind::none);
  ASSERT_TRUE(has_fact(a, AutoFactKind::cache_headers_only));
  const auto& f = *std::find_if(a.facts.begin(), a.facts.end(), [](const AutoFact& f) {
    return f.kind == AutoFactKind::cache_headers_only;
  });
  EXPECT_EQ(f.subject, "X-Served-By");
  EXPECT_EQ(f.text,
            "X-Served-By names the cache node that answered, not the backend: a cache's or "
            "CDN's headers are never taken as the backend's identity.");
}

// X-Served-By and Via both varied; the user named x-served-by (any case) as the identity: the
// fact keeps only Via, and goes when the user named both.
TEST(AutoIdentify, CacheHeaderTheUserNamedIsNoLongerCalledACachesHeader) {
  auto sessions = with_header("X-Served-By", {"www1", "www2"}, 12);
  const auto via = with_header("Via", {"1.1 edge-a", "1.1 edge-b"}, 12);
  for (std::size_t i = 0; i < sessions.size(); ++i)
    for (std::size_t r = 0; r < sessions[i].size(); ++r)
      sessions[i][r].headers.push_back(via[i][r].headers[0]);
  auto a = auto_identify(sessions);
  const auto cache_fact = [](const AutoIdentification& a) {
    auto f = std::find_if(a.facts.begin(), a.facts.end(), [](const AutoFact& f) {
      return f.kind == AutoFactKind::cache_headers_only;
    });
    return f == a.facts.end() ? AutoFact{AutoFactKind::cache_headers_only, "", ""} : *f;
  };
  ASSERT_EQ(cache_fact(a).subject, "X-Served-By, Via");
  auto told = a;
  forget_told_cache_headers(told, {"x-served-by"});
  EXPECT_EQ(cache_fact(told).subject, "Via");
  EXPECT_EQ(cache_fact(told).text,
            "Via names the proxies and cache nodes the response passed, not the backend: a "
            "cache's or CDN's headers are never taken as the backend's identity.");
  EXPECT_EQ(told.facts.size(), a.facts.size());
  forget_told_cache_headers(a, {"Via", "X-Served-By"});
  EXPECT_FALSE(has_fact(a, AutoFactKind::cache_headers_only));
}

TEST(AutoIdentify, NoCacheOrCdnHeaderIsEverChosen) {
  for (const auto& name : cache_header_names()) {
    auto a = auto_identify(with_header(name, {"node-1", "node-2", "node-3"}, 12));
    EXPECT_EQ(a.kind, AutoSourceKind::none) << name;
    EXPECT_TRUE(has_fact(a, AutoFactKind::cache_headers_only)) << name;
  }
}

TEST(AutoIdentify, BackendHeaderBesideACacheHeaderIsChosenWithoutACacheFact) {
  auto sessions = with_header("X-Served-By", {"cache-fra1", "cache-ams2", "cache-lhr3"}, 12);
  auto backend = with_header("X-Upstream", {"10.0.0.5:80", "10.0.0.6:80"}, 12);
  for (std::size_t i = 0; i < sessions.size(); ++i)
    for (std::size_t r = 0; r < sessions[i].size(); ++r)
      sessions[i][r].headers.push_back(backend[i][r].headers[0]);
  auto a = auto_identify(sessions);
  EXPECT_EQ(a.source, "header:X-Upstream");
  EXPECT_EQ(a.identities[1][0], "10.0.0.6:80");
  EXPECT_FALSE(has_fact(a, AutoFactKind::cache_headers_only));
}

TEST(AutoIdentify, ObserveExchangeKeepsCacheHeadersApartFromBackendOnes) {
  ResponseView v;
  v.headers = {{"via", "1.1 varnish"}, {"X-Backend", "web-1"}, {"Age", "12"}};
  auto e = observe_exchange(v);
  ASSERT_EQ(e.headers.size(), 3u);
  EXPECT_EQ(e.headers[0].name, "X-Backend");
  EXPECT_EQ(e.headers[1].name, "Via");
  EXPECT_EQ(e.headers[2].name, "Age");
}

TEST(AutoIdentify, ObserveExchangeKeepsTheBackendFieldsOfAJsonObjectBody) {
  ResponseView v;
  const std::string body =
      R"( {"hits": 3, "user": {"backend": "nested"}, "node": 7, "backend": "pod-1", "host": ""} )";
  v.body = body;
  auto e = observe_exchange(v);
  ASSERT_EQ(e.json_fields.size(), 2u);
  EXPECT_EQ(e.json_fields[0].name, "backend");
  EXPECT_EQ(e.json_fields[0].value, "pod-1");
  EXPECT_EQ(e.json_fields[1].name, "node");
  EXPECT_EQ(e.json_fields[1].value, "7");
  const std::string page = "<html>{\"backend\": \"x\"}</html>", broken = "{\"backend\": ";
  v.body = page;
  EXPECT_TRUE(observe_exchange(v).json_fields.empty());
  v.body = broken;
  EXPECT_TRUE(observe_exchange(v).json_fields.empty());
}

TEST(AutoIdentify, CatalogueCookieIsPreferredToAHeader) {
  auto sessions = spread("SERVERID", {"s1", "s2"}, 10);
  for (auto& s : sessions)
    for (auto& e : s) e.headers.push_back({"X-Backend", "proxy-1"});
  auto a = auto_identify(sessions);
  EXPECT_EQ(a.source, "cookie:SERVERID (HAProxy server cookie)");
}

TEST(AutoIdentify, UnknownRoutingCookieIsFoundByBehaviour) {
  auto a = auto_identify(spread("backend_pin", {"n1", "n2", "n3"}, 40));
  EXPECT_EQ(a.kind, AutoSourceKind::behaviour_cookie);
  EXPECT_EQ(a.source, "cookie:backend_pin (found by behaviour)");
  EXPECT_EQ(a.confidence, Confidence::medium);
  EXPECT_EQ(a.identities[4][2], "n2");
  EXPECT_FALSE(has_fact(a, AutoFactKind::no_affinity_cookie));
}

TEST(AutoIdentify, SessionIdLikeCookieIsRejected) {
  Sessions sessions;
  for (int i = 0; i < 40; ++i)
    sessions.push_back(sticky_session("tok", "t" + std::to_string(i), 4));
  auto a = auto_identify(sessions);
  EXPECT_EQ(a.kind, AutoSourceKind::none);
  EXPECT_TRUE(has_fact(a, AutoFactKind::nothing_identifies));
}

TEST(AutoIdentify, CookieChangingWithinASessionIsRejected) {
  auto sessions = spread("pin", {"n1", "n2"}, 20);
  sessions[3][2].set_cookies.push_back({"pin", "n9"});
  EXPECT_EQ(auto_identify(sessions).kind, AutoSourceKind::none);
}

TEST(AutoIdentify, CookieTheClientSentFirstIsRejected) {
  auto sessions = spread("pin", {"n1", "n2"}, 20);
  sessions[0][0].sent_cookies.push_back({"pin", "n1"});
  EXPECT_EQ(auto_identify(sessions).kind, AutoSourceKind::none);
}

TEST(AutoIdentify, OneValueAcrossManySessionsIsASiteCookieNotARoute) {
  auto a = auto_identify(spread("consent", {"yes"}, 30));
  EXPECT_EQ(a.kind, AutoSourceKind::none);
}

TEST(AutoIdentify, RotatingAwsAlbCookieProvesStickinessButNotTheMember) {
  Sessions sessions;
  for (int i = 0; i < 10; ++i) {
    SessionObservation s(4);
    for (int r = 0; r < 4; ++r) {
      auto v = "enc" + std::to_string(i * 10 + r);
      s[r].set_cookies.push_back({"AWSALB", v});
      s[r].set_cookies.push_back({"AWSALBCORS", v});
      if (r > 0) s[r].sent_cookies.push_back({"AWSALB", "enc" + std::to_string(i * 10 + r - 1)});
    }
    sessions.push_back(s);
  }
  auto a = auto_identify(sessions);
  EXPECT_EQ(a.kind, AutoSourceKind::none);
  EXPECT_EQ(a.confidence, Confidence::none);
  EXPECT_TRUE(has_fact(a, AutoFactKind::stickiness_on_member_unknown));
  EXPECT_TRUE(has_fact(a, AutoFactKind::nothing_identifies));
  EXPECT_FALSE(has_fact(a, AutoFactKind::no_affinity_cookie));
}

TEST(AutoIdentify, OnlyASessionCookieWithoutRouteIsReported) {
  Sessions sessions;
  for (int i = 0; i < 20; ++i)
    sessions.push_back(sticky_session("PHPSESSID", "k3j4h5g6f7d8s9a" + std::to_string(i), 3));
  auto a = auto_identify(sessions);
  EXPECT_EQ(a.kind, AutoSourceKind::none);
  EXPECT_TRUE(has_fact(a, AutoFactKind::no_affinity_cookie));
  EXPECT_TRUE(has_fact(a, AutoFactKind::session_cookie_without_route));
  EXPECT_NE(a.reason.find("Nothing in the responses tells backends apart"), std::string::npos);
}

TEST(AutoIdentify, RouteCookieWithoutRouteIsFoundByBehaviourAndReported) {
  auto a = auto_identify(spread("BALANCEID", {"www1", "www2"}, 20));
  EXPECT_EQ(a.kind, AutoSourceKind::behaviour_cookie);
  EXPECT_TRUE(has_fact(a, AutoFactKind::route_cookie_without_route));
}

TEST(AutoIdentify, BehaviourOnFewSessionsIsFlagged) {
  auto a = auto_identify(spread("pin", {"n1", "n2"}, 3));
  EXPECT_EQ(a.kind, AutoSourceKind::behaviour_cookie);
  EXPECT_TRUE(has_fact(a, AutoFactKind::few_sessions));
}

TEST(AutoIdentify, SingleBackendSeenIsFlagged) {
  auto a = auto_identify(spread("ROUTEID", {".www1"}, 10));
  EXPECT_EQ(a.kind, AutoSourceKind::catalogue_cookie);
  EXPECT_TRUE(has_fact(a, AutoFactKind::single_identity));
}

TEST(AutoIdentify, TiesAreBrokenByNameSoTheChoiceIsDeterministic) {
  auto sessions = spread("pin_b", {"n1", "n2"}, 20);
  auto other = spread("pin_a", {"m1", "m2"}, 20);
  for (std::size_t i = 0; i < sessions.size(); ++i)
    for (std::size_t r = 0; r < sessions[i].size(); ++r) {
      auto& e = sessions[i][r];
      e.set_cookies.insert(e.set_cookies.end(), other[i][r].set_cookies.begin(),
                           other[i][r].set_cookies.end());
      e.sent_cookies.insert(e.sent_cookies.end(), other[i][r].sent_cookies.begin(),
                            other[i][r].sent_cookies.end());
    }
  EXPECT_EQ(auto_identify(sessions).name, "pin_a");
  EXPECT_EQ(auto_identify(sessions).identities, auto_identify(sessions).identities);
}

TEST(AutoIdentify, ReportNamesAreStable) {
  EXPECT_EQ(to_string(AutoSourceKind::behaviour_cookie), "behaviour_cookie");
  EXPECT_EQ(to_string(Confidence::medium), "medium");
  EXPECT_EQ(to_string(AutoFactKind::stickiness_on_member_unknown), "stickiness_on_member_unknown");
}

TEST(AutoIdentify, NoSessionsIdentifyNothing) {
  auto a = auto_identify({});
  EXPECT_EQ(a.kind, AutoSourceKind::none);
  EXPECT_TRUE(a.identities.empty());
}

TEST(AutoIdentify, ObserveExchangeKeepsCookiesAndCandidateHeadersOnly) {
  ResponseView v;
  v.headers = {
      {"x-backend", "web-2"}, {"Content-Type", "text/html"}, {"Set-Cookie", "SRV=s2; path=/"}};
  v.set_cookies = parse_set_cookie_fields(v.headers);
  v.sent_cookies = {{"lang", "en"}};
  auto e = observe_exchange(v);
  ASSERT_EQ(e.headers.size(), 1u);
  EXPECT_EQ(e.headers[0].name, "X-Backend");
  EXPECT_EQ(e.headers[0].value, "web-2");
  ASSERT_EQ(e.set_cookies.size(), 1u);
  EXPECT_EQ(e.sent_cookies[0].name, "lang");
}

TEST(AutoIdentifyHostile, ManyNamesAndBinaryValuesNeverCrash) {
  Sessions sessions(50);
  for (int i = 0; i < 50; ++i) {
    SessionObservation s(3);
    for (int j = 0; j < 40; ++j)
      s[0].set_cookies.push_back({std::string(1, static_cast<char>(j + i)) + "\xff",
                                  std::string(300, static_cast<char>(0x80 + j))});
    s[1].headers.push_back({"X-Backend", std::string("\xc3\x28", 2)});
    sessions[i] = s;
  }
  auto a = auto_identify(sessions);
  EXPECT_EQ(a.identities.size(), 50u);
}

}  // namespace
}  // namespace sc::identify
