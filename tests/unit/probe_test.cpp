// The probe's pure parts: the target section of a scenario, the reader, the outside causes.
#include <gtest/gtest.h>

#include "cookie/cookie_tally.hpp"
#include "probe/probe_diagnosis.hpp"
#include "probe/probe_reader.hpp"
#include "scenario/scenario_parser.hpp"

namespace sc {
namespace {

std::string error_of(const std::string& text) {
  auto s = parse_scenario_text(text, "p.yaml");
  EXPECT_FALSE(s.ok());
  return s.ok() ? "" : s.error().message;
}

TEST(ProbeScenario, TargetGetsGentleDefaultsAndTheUrlPathAsFirstPath) {
  auto s = parse_scenario_text("name: p\ntarget:\n  url: https://Shop.example.com:8443/cart?x=1\n",
                               "p.yaml");
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_TRUE(s->target);
  EXPECT_EQ(s->target->url, "https://Shop.example.com:8443");
  EXPECT_EQ(s->target->paths, (std::vector<std::string>{"/cart?x=1"}));
  EXPECT_EQ(s->traffic.sessions, 50);
  EXPECT_EQ(s->traffic.concurrency, 5);
  EXPECT_EQ(s->target->rate, 20);
  EXPECT_EQ(s->target->max_requests, 2000);
  EXPECT_TRUE(s->backends.empty());
}

TEST(ProbeScenario, TargetRefusesBackendsAndLocatesBadValues) {
  EXPECT_EQ(error_of("name: p\ntarget:\n  url: http://h/\nbackends: [{name: a}]\n"),
            "p.yaml:4:11: backends: not with target: a probe drives a deployment stickycheck "
            "did not start");
  EXPECT_EQ(error_of("name: p\ntarget:\n  url: http://h/\n  headers: [\"X-A: 1\\r\\nX-B: 2\"]\n"),
            "p.yaml:4:12: target.headers[0]: expected 'Name: value' (a token name, no control "
            "characters), got 'X-A: 1\\r\\nX-B: 2'");
  EXPECT_EQ(error_of("name: p\ntarget:\n  url: http://user:pw@h/\n"),
            "p.yaml:3:8: target.url: credentials in the URL would be sent to every backend; use "
            "headers: ['Authorization: ...'] instead");
}

TEST(ProbeScenario, LossesOnlyIsAnExpectationOfProbes) {
  auto s = parse_scenario_text("name: p\ntarget:\n  url: http://h/\nexpect:\n  affinity: losses\n",
                               "p.yaml");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_FALSE(s->expect.affinity_checked);
}

TEST(ProbeReader, ExplicitSpecNamesTheBackendAndAReissuedSessionCookieIsALoss) {
  auto ids = identify::parse_identify_specs({"json:/backend"});
  ASSERT_TRUE(ids);
  ProbeReader reader(*ids, {}, {}, {"/"});
  EXPECT_FALSE(reader.auto_wanted());
  std::vector<HeaderField> headers = {{"set-cookie", "PHPSESSID=new2; path=/"},
                                      {"server", "Apache/2.4.62 (Debian)"}};
  ResponseView view{3, 1, 200, headers, R"({"backend":"app-7"})", false, "PHPSESSID=old1"};
  ResponseFacts facts;
  reader.read(view, facts);
  EXPECT_EQ(facts.backend, "app-7");
  EXPECT_TRUE(facts.session_lost);
  EXPECT_EQ(facts.session_id, "new2");
  ASSERT_EQ(reader.observations().size(), 4u);  // sessions 0..3, only session 3 seen
  EXPECT_EQ(reader.observations()[3].size(), 1u);
  EXPECT_EQ(reader.servers(), (std::vector<std::string>{"Apache/2.4.62 (Debian)"}));
  ASSERT_EQ(reader.tally().entries().size(), 1u);
  EXPECT_EQ(reader.tally().entries()[0].examples, (std::vector<std::string>{"new2"}));
  EXPECT_EQ(reader.cookies().at("PHPSESSID").set_on_path, "/");
}

RequestRecord rec(std::uint32_t backend, std::int64_t at_us, int status) {
  RequestRecord r;
  r.backend = backend;
  r.start_us = at_us;
  r.status = static_cast<std::int16_t>(status);
  return r;
}

TEST(ProbeDiagnosis, MemberThatStopsAnsweringWhile503sFollowIsNamed) {
  RecordSet set;
  const auto a = set.strings.intern("www1"), b = set.strings.intern("www2");
  set.records = {rec(a, 0, 200), rec(b, 100'000, 200), rec(a, 1'000'000, 200),
                 rec(StringTable::kNone, 1'500'000, 503), rec(a, 3'000'000, 200)};
  EXPECT_EQ(member_gone_cause(set),
            "from 0.1 s on, 1 requests failed (503 or no answer) and www2 answered none: a "
            "member went away while sessions were still bound to it (a balancer that keeps "
            "sending a dead member's sessions to it answers 503 until their cookie changes)");
  set.records[3].status = 200;  // the same run without the failures: nothing to say
  EXPECT_EQ(member_gone_cause(set), "");
}

RequestRecord in_session(std::uint32_t session, std::uint32_t backend, std::int64_t at_us,
                         int status = 200) {
  RequestRecord r = rec(backend, at_us, status);
  r.session = session;
  return r;
}

// www2 answers every 100 ms but not from 1.0 s to 2.5 s; meanwhile its session 1 is answered
// by www1 (redispatched) and one request fails. The twin without the gap says nothing.
TEST(ProbeDiagnosis, MemberThatGoesAwayAndComesBackIsNamedWithItsWindow) {
  RecordSet set;
  const auto a = set.strings.intern("www1"), b = set.strings.intern("www2");
  for (std::int64_t t = 0; t <= 4'000'000; t += 100'000) {
    set.records.push_back(in_session(0, a, t));
    const bool down = t > 1'000'000 && t < 2'500'000;
    set.records.push_back(down ? in_session(1, a, t + 50'000) : in_session(1, b, t + 50'000));
  }
  set.records.push_back(in_session(2, StringTable::kNone, 1'700'000, 503));
  EXPECT_EQ(member_flapped_cause(set),
            "a member stopped answering and came back (www2 from 1.1 s to 2.5 s): meanwhile 1 "
            "requests failed and 1 sessions bound to it were answered by another backend; a "
            "member that goes down and up (failing health checks, restarts) takes its sessions "
            "with it, and a balancer that redispatches them sends them where they are unknown");
  for (auto& r : set.records)
    if (r.session == 1) r.backend = b;
  set.records.pop_back();
  EXPECT_EQ(member_flapped_cause(set), "");
}

// The site went down in the middle of the probe: 4 answers, then 3 refused connections in a
// row, the limit that stopped the traffic. The cause quotes the last error and says what came
// before; one failure fewer did not stop it, and says nothing.
TEST(ProbeDiagnosis, SiteThatWentDownDuringTheProbeIsNamedWithTheLastError) {
  RecordSet set;
  const auto a = set.strings.intern("www1");
  for (std::int64_t t = 0; t < 4; ++t) set.records.push_back(rec(a, t * 100'000, 200));
  for (std::int64_t t = 4; t < 7; ++t) {
    set.records.push_back(rec(StringTable::kNone, t * 100'000, 0));
    set.records.back().error =
        set.strings.intern("Failed to connect to 127.0.0.1 port 8080: Connection refused");
  }
  ProbeReader reader({}, {}, {}, {"/"});
  ProbeEvidence e{set, reader, nullptr, false, {}, true, 0};
  e.max_consecutive_errors = 3;
  EXPECT_EQ(diagnose_probe(e),
            (std::vector<std::string>{
                "the site stopped accepting connections (Failed to connect to 127.0.0.1 port "
                "8080: Connection refused): it went down during the probe, or stopped listening "
                "on this port; 4 answers came before 3 requests in a row failed and the probe "
                "stopped, so they show only the start of the probe"}));
  e.max_consecutive_errors = 4;
  EXPECT_EQ(transport_stop_cause(set, 4), "");
}

TEST(ProbeDiagnosis, CacheHeadersThatAloneVariedAreSaidEvenWhenNothingIdentifies) {
  RecordSet set;
  ProbeReader reader({}, {}, {}, {"/"});
  identify::AutoIdentification automatic;
  automatic.facts.push_back({identify::AutoFactKind::cache_headers_only, "X-Served-By",
                             "X-Served-By names the cache node that answered, not the backend"});
  ProbeEvidence e{set, reader, &automatic, false, {}, true, 0};
  EXPECT_EQ(diagnose_probe(e),
            (std::vector<std::string>{"X-Served-By names the cache node that answered, not the "
                                      "backend"}));
}

// A finer catalogue cookie that took over moves within sessions by design: its own fact says
// which layer does not stick, not the route story of a balancer that ignores its cookie.
TEST(ProbeDiagnosis, FinerSourceTellsItsOwnStoryNotTheRouteOne) {
  RecordSet set;
  ProbeReader reader({}, {}, {}, {"/"});
  identify::AutoIdentification automatic;
  automatic.kind = identify::AutoSourceKind::catalogue_cookie;
  automatic.name = "INGRESSCOOKIE";
  automatic.identities = {{"pod1a", "pod1b"}};
  ProbeEvidence e{set, reader, &automatic, true, {}, false, 0};
  auto said = [&](const std::string& part) {
    for (const auto& c : diagnose_probe(e))
      if (c.find(part) != std::string::npos) return true;
    return false;
  };
  EXPECT_TRUE(said("the balancer does not route on these values"));
  automatic.within = identify::CoarserSource{identify::AutoSourceKind::catalogue_cookie,
                                             "SERVERID", "cookie:SERVERID"};
  automatic.facts.push_back({identify::AutoFactKind::finer_source, "INGRESSCOOKIE",
                             "SERVERID kept 1 sessions on svc1, but INGRESSCOOKIE shows ..."});
  EXPECT_FALSE(said("does not route on"));
  EXPECT_TRUE(said("SERVERID kept 1 sessions on svc1"));
}

TEST(CookieTally, EachNameOnceWithItsFirstAttributesAndBoundedExamples) {
  CookieTally tally;
  tally.add("SRV=s1; Path=/; HttpOnly");
  tally.add("SRV=s2; Path=/other");
  tally.add("SRV=s1");
  tally.add("no-equals-sign");
  tally.add(std::string(300, 'x') + "=1");
  for (int i = 0; i < 10; ++i) tally.add("lb=" + std::to_string(i));
  ASSERT_EQ(tally.entries().size(), 2u);
  const auto& srv = tally.entries()[0];
  EXPECT_EQ(srv.name, "SRV");
  EXPECT_EQ(srv.attributes, "Path=/; HttpOnly");
  EXPECT_EQ(srv.examples, (std::vector<std::string>{"s1", "s2"}));
  EXPECT_EQ(srv.responses, 3);
  EXPECT_EQ(tally.entries()[1].examples.size(), CookieTally::kMaxExamples);
  EXPECT_EQ(tally.entries()[1].responses, 10);
}

}  // namespace
}  // namespace sc
