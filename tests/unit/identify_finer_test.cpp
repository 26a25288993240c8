// `--identify auto` when two sources name backends and disagree: the finer one wins, and the
// report names both (identify/finer_identity.hpp).
#include <gtest/gtest.h>

#include <algorithm>

#include "identify/auto_identify.hpp"
#include "identify/finer_identity.hpp"

namespace sc::identify {
namespace {

using Sessions = std::vector<SessionObservation>;

// Session i: HAProxy's SERVERID names services[i % size] (set on the first answer, sent
// back afterwards); each answer also carries X-Backend = header(i, request).
template <typename HeaderOf>
Sessions services(const std::vector<std::string>& names, int sessions, HeaderOf header,
                  int requests = 4) {
  Sessions out;
  for (int i = 0; i < sessions; ++i) {
    SessionObservation s;
    const std::string service = names[static_cast<std::size_t>(i) % names.size()];
    for (int r = 0; r < requests; ++r) {
      ExchangeObservation e;
      (r == 0 ? e.set_cookies : e.sent_cookies).push_back({"SERVERID", service});
      e.headers.push_back({"X-Backend", header(i, r, service)});
      s.push_back(e);
    }
    out.push_back(s);
  }
  return out;
}

bool has_finer_fact(const AutoIdentification& a) {
  return std::any_of(a.facts.begin(), a.facts.end(),
                     [](const AutoFact& f) { return f.kind == AutoFactKind::finer_source; });
}

// Each service round-robins over its two pods: the pod alternates within every session.
std::string pod_per_request(int, int request, const std::string& service) {
  return "pod" + service.substr(3) + (request % 2 == 0 ? "a" : "b");
}

TEST(FinerIdentity, FinerHeaderWinsOverACatalogueCookie) {
  auto a = auto_identify(services({"svc1", "svc2"}, 12, pod_per_request));
  EXPECT_EQ(a.kind, AutoSourceKind::header);
  EXPECT_EQ(a.name, "X-Backend");
  EXPECT_EQ(a.source, "header:X-Backend within cookie:SERVERID (HAProxy server cookie)");
  EXPECT_EQ(a.confidence, Confidence::high);
  ASSERT_TRUE(a.within.has_value());
  EXPECT_EQ(a.within->kind, AutoSourceKind::catalogue_cookie);
  EXPECT_EQ(a.within->name, "SERVERID");
  ASSERT_EQ(a.identities.size(), 12u);
  EXPECT_EQ(a.identities[0][0], "pod1a");
  EXPECT_EQ(a.identities[0][1], "pod1b");
  EXPECT_EQ(a.identities[1][2], "pod2a");
  const auto fact = std::find_if(a.facts.begin(), a.facts.end(), [](const AutoFact& f) {
    return f.kind == AutoFactKind::finer_source;
  });
  ASSERT_NE(fact, a.facts.end());
  EXPECT_EQ(fact->subject, "X-Backend");
  EXPECT_EQ(fact->text,
            "SERVERID kept 12 sessions on svc1 and svc2, but X-Backend shows they were spread "
            "over pod1a, pod1b (svc1) and pod2a, pod2b (svc2): the layer behind the balancer "
            "does not stick, so affinity is judged on X-Backend.");
  EXPECT_NE(a.reason.find("It took several values within 12 sessions that SERVERID kept on one "
                          "member"),
            std::string::npos)
      << a.reason;
}

TEST(FinerIdentity, CoarserHeaderChangesNothing) {
  // Two services per zone: X-Backend names the zone, constant within each session.
  auto a = auto_identify(services({"svc1", "svc2", "svc3", "svc4"}, 16,
                                  [](int, int, const std::string& service) {
                                    return std::string(service < "svc3" ? "zone-a" : "zone-b");
                                  }));
  EXPECT_EQ(a.source, "cookie:SERVERID (HAProxy server cookie)");
  EXPECT_FALSE(a.within.has_value());
  EXPECT_FALSE(has_finer_fact(a));
  EXPECT_EQ(a.identities[2][1], "svc3");
}

TEST(FinerIdentity, OneToOneHeaderChangesNothing) {
  auto a = auto_identify(services({"svc1", "svc2"}, 12, [](int, int, const std::string& service) {
    return "pod-" + service;
  }));
  EXPECT_EQ(a.kind, AutoSourceKind::catalogue_cookie);
  EXPECT_FALSE(a.within.has_value());
  EXPECT_FALSE(has_finer_fact(a));
  EXPECT_EQ(a.identities[1][0], "svc2");
}

TEST(FinerIdentity, HeaderVaryingOnlyAcrossSessionsChangesNothing) {
  // Each session meets one pod and keeps it: every service has several pods, none of which
  // ever splits a session.
  auto a = auto_identify(services({"svc1", "svc2"}, 12, [](int session, int, const std::string&) {
    return "pod" + std::to_string(session);
  }));
  EXPECT_EQ(a.kind, AutoSourceKind::catalogue_cookie);
  EXPECT_FALSE(a.within.has_value());
  EXPECT_FALSE(has_finer_fact(a));
}

// The pods name themselves only in the body ({"backend": "pod1a"}): the JSON field splits the
// cookie's services as a header would, and is named as a field in the sentence.
TEST(FinerIdentity, FinerJsonFieldWinsOverACatalogueCookie) {
  auto sessions = services({"svc1", "svc2"}, 12, pod_per_request);
  for (auto& s : sessions)
    for (auto& e : s) {
      e.json_fields.push_back({"backend", e.headers.front().value});
      e.headers.clear();
    }
  auto a = auto_identify(sessions);
  EXPECT_EQ(a.kind, AutoSourceKind::json_field);
  EXPECT_EQ(a.source, "json:/backend within cookie:SERVERID (HAProxy server cookie)");
  EXPECT_EQ(a.identities[0][1], "pod1b");
  const auto fact = std::find_if(a.facts.begin(), a.facts.end(), [](const AutoFact& f) {
    return f.kind == AutoFactKind::finer_source;
  });
  ASSERT_NE(fact, a.facts.end());
  EXPECT_NE(fact->text.find("but the JSON field \"backend\" shows they were spread over pod1a, "
                            "pod1b (svc1)"),
            std::string::npos)
      << fact->text;
}

// A JSON field is never chosen alone: with no cookie or header, nothing identifies.
TEST(FinerIdentity, JsonFieldAloneIsNeverChosen) {
  Sessions sessions;
  for (int i = 0; i < 8; ++i) {
    SessionObservation s(3);
    for (auto& e : s) e.json_fields.push_back({"backend", i % 2 == 0 ? "www1" : "www2"});
    sessions.push_back(s);
  }
  EXPECT_EQ(auto_identify(sessions).kind, AutoSourceKind::none);
}

TEST(FinerIdentity, FinerHeaderWinsOverAnotherHeader) {
  Sessions sessions;
  for (int i = 0; i < 8; ++i) {
    SessionObservation s(4);
    for (int r = 0; r < 4; ++r) {
      const std::string node = i % 2 == 0 ? "node-1" : "node-2";
      s[r].headers = {{"X-Backend", node}, {"X-Pod-Name", node + (r % 2 == 0 ? "-x" : "-y")}};
    }
    sessions.push_back(s);
  }
  auto a = auto_identify(sessions);
  EXPECT_EQ(a.source, "header:X-Pod-Name within header:X-Backend");
  EXPECT_EQ(a.identities[1][1], "node-2-y");
}

TEST(FinerIdentity, SplitNeedsAFinerSourceThatNeverCrossesTheChosenValues) {
  using Ids = Identities;
  const Ids chosen = {{"svc1", "svc1"}, {"svc2", "svc2"}};
  // svc1 spread over two pods, svc2 one pod of its own: still a refinement.
  auto split = finer_split(chosen, Ids{{"p1", "p2"}, {"p3", "p3"}});
  ASSERT_TRUE(split.has_value());
  EXPECT_EQ(split->split_sessions, 1u);
  EXPECT_EQ(split->kept_on, (std::set<std::string>{"svc1"}));
  // p1 answers for both services: it crosses them, so it names no finer backend.
  EXPECT_FALSE(finer_split(chosen, Ids{{"p1", "p2"}, {"p1", "p3"}}).has_value());
  // An exchange either source left unnamed is not compared.
  const Ids wide = {{"svc1", "svc1", "svc1"}, {"svc2", std::nullopt, "svc2"}};
  split = finer_split(wide, Ids{{"p1", "p2", "p1"}, {"p3", "p9", "p4"}});
  ASSERT_TRUE(split.has_value());
  EXPECT_EQ(split->split_sessions, 2u);
  EXPECT_EQ(split->members.at("svc2"), (std::set<std::string>{"p3", "p4"}));
  EXPECT_EQ(split->kept_on, (std::set<std::string>{"svc1", "svc2"}));
}

TEST(FinerIdentity, SessionThatMovedIsNoSplit) {
  // The chosen source itself moved in the only session that varies: nothing to refine.
  const Identities chosen = {{"svc1", "svc2"}, {"svc1"}, {"svc2"}};
  EXPECT_FALSE(finer_split(chosen, Identities{{"p1", "p3"}, {"p2"}, {"p4"}}).has_value());
}

TEST(FinerIdentity, FactKindNameIsStable) {
  EXPECT_EQ(to_string(AutoFactKind::finer_source), "finer_source");
}

}  // namespace
}  // namespace sc::identify
