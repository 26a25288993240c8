// The causes a probe gives when members or the site itself stop answering, each with a
// near-identical probe that must not give it: a member of a real HAProxy killed mid-probe, a
// site that stops answering or goes down (docs/probe.md#causes-seen-from-outside). The causes
// of what a site's cookies and answers show are in probe_causes_test.cpp.
#include <gtest/gtest.h>

#include <future>

#include "php_site.hpp"
#include "scripted_upstream.hpp"

namespace sc::test {
namespace {

using namespace std::chrono_literals;

// Every session under way at once, slow enough that a member stopped after its first answers
// leaves most of the probe behind.
const ProbeOptions kLongProbe{
    .sessions = 11, .requests_per_session = 6, .concurrency = 11, .rate = 40};

// The requests a php -S logged so far (a line "[200]: GET /" each).
std::size_t gets_logged(const PhpServer& server) {
  const std::string out = server.output();
  std::size_t n = 0;
  for (auto at = out.find("]: GET "); at != std::string::npos; at = out.find("]: GET ", at + 1))
    ++n;
  return n;
}

// www2 is killed after its first answers and never comes back; HAProxy (no redispatch, no
// health checks) keeps sending the sessions its SRV cookie names to it and answers 503, a
// second later each, so the probe's last seconds are theirs alone: www1's answers stop before
// the end too. The cause named www1 (the first backend whose answers stopped), not www2.
TEST(ProbeCauses, MemberThatWentAwayIsNamedWithTheFailuresAfterIt) {
  auto site = PhpSite::start(sites::haproxy_cookie_insert_no_redispatch());
  ASSERT_TRUE(site.ok()) << site.error().message;
  PhpSite& s = **site;
  const std::string url = s.url();
  auto probe = std::async(std::launch::async, [&] { return run_probe(url, kLongProbe); });
  const bool began = wait_until([&] { return s.requests_logged(1) >= 8; }, 20s);
  s.stop_backend(1);
  const auto r = probe.get();
  ASSERT_TRUE(began) << s.logs();
  EXPECT_EQ(r.cli.exit_code, 1) << r.describe();
  EXPECT_TRUE(said(r,
                   "requests failed (503 or no answer) and www2 answered none: a member went "
                   "away while sessions were still bound to it"))
      << r.describe();
  EXPECT_FALSE(said(r, "a member stopped answering and came back")) << r.describe();
}

TEST(ProbeCauses, MembersThatStayGetNoMemberGoneCause) {
  auto site = PhpSite::start(sites::haproxy_cookie_insert_no_redispatch());
  ASSERT_TRUE(site.ok()) << site.error().message;
  const auto r = run_probe((*site)->url(), kLongProbe);
  EXPECT_EQ(r.cli.exit_code, 0) << r.describe();
  EXPECT_FALSE(said(r, "a member went away")) << r.describe();
}

// A sticky site in one raw loopback server: a request without SRV gets SRV=www1 or SRV=www2
// in turn, and keeps it. After `answered` answers it never answers again (0: always answers).
ScriptedUpstream::Script sticky_site_answering(int answered) {
  return [answered](const SeenRequest& seen, int n, const ScriptedUpstream::Write& write) {
    if (answered > 0 && n > answered) return;  // hung: the client times out
    std::vector<std::string> fields = {"Content-Type: application/json"};
    if (field_value(seen.head, "Cookie").find("SRV=www") == std::string::npos)
      fields.push_back("Set-Cookie: SRV=www" + std::to_string(1 + n % 2) + "; Path=/");
    write(http_answer("HTTP/1.1 200 OK", fields, "{}"));
  };
}

const std::vector<std::string> kStopAfterThree = {"--max-consecutive-errors", "3"};

// Six answers, then the server hangs: the three requests in flight time out in a row and the
// probe stops. The cause says the connections were accepted and how many answers came first.
TEST(ProbeCauses, SiteThatStopsAnsweringMidProbeIsSaidWithTheAnswersBefore) {
  ScriptedUpstream site(sticky_site_answering(6));
  const auto r = run_probe("http://127.0.0.1:" + std::to_string(site.port()) + "/",
                           {.extra = kStopAfterThree});
  EXPECT_EQ(r.cli.exit_code, 3) << r.describe();
  EXPECT_EQ(r.scenario["verdict"], "error") << r.describe();
  EXPECT_TRUE(said(r, "the connections were accepted but no answer came in time ("))
      << r.describe();
  EXPECT_TRUE(said(r, "6 answers came before 3 requests in a row failed and the probe stopped"))
      << r.describe();
}

TEST(ProbeCauses, SiteThatAnswersEveryRequestHasNoTimeoutCause) {
  ScriptedUpstream site(sticky_site_answering(0));
  const auto r = run_probe("http://127.0.0.1:" + std::to_string(site.port()) + "/",
                           {.extra = kStopAfterThree});
  EXPECT_EQ(r.cli.exit_code, 0) << r.describe();
  EXPECT_FALSE(said(r, "no answer came in time")) << r.describe();
  EXPECT_FALSE(said(r, "in a row failed")) << r.describe();
}

// The site itself (one php -S) goes away after its first answers: its port refuses from then
// on, and after 5 refused requests in a row the probe stops. Its twin, the same server left
// up, is ProbeVerdicts.SiteThatAnswersGetsNoTransportCause.
TEST(ProbeCauses, SiteThatWentDownDuringTheProbeIsSaidToHaveStoppedAcceptingConnections) {
  auto server = start_php_server("fixtures/php/app", {"BACKEND_NAME=lb-01"});
  ASSERT_TRUE(server.ok()) << server.error().message;
  const std::string url = (*server)->url();
  ProbeOptions options = kLongProbe;
  options.extra = {"--identify", "json:/backend", "--max-consecutive-errors", "5"};
  auto probe = std::async(std::launch::async, [&] { return run_probe(url, options); });
  const bool began = wait_until([&] { return gets_logged(**server) >= 8; }, 20s);
  server->reset();
  const auto r = probe.get();
  ASSERT_TRUE(began);
  EXPECT_EQ(r.cli.exit_code, 3) << r.describe();
  EXPECT_TRUE(said(r, "the site stopped accepting connections (")) << r.describe();
  EXPECT_TRUE(said(r, "answers came before 5 requests in a row failed")) << r.describe();
}

// The twin of ProbeVerdicts.NameThatDoesNotResolveHasItsOwnCause: the same name, given an
// address with --resolve, reaches a sticky site and gets no word about resolving.
TEST(ProbeCauses, NameGivenAnAddressWithResolveGetsNoResolveCause) {
  auto site = PhpSite::start(sites::haproxy_cookie_insert());
  ASSERT_TRUE(site.ok()) << site.error().message;
  const std::string host = "stickycheck-no-such-host.invalid:" + std::to_string((*site)->port());
  const auto r = run_probe("http://" + host + "/", {.extra = {"--resolve", host + ":127.0.0.1"}});
  EXPECT_EQ(r.cli.exit_code, 0) << r.describe();
  EXPECT_FALSE(said(r, "does not resolve")) << r.describe();
}

}  // namespace
}  // namespace sc::test
