// Probe verdicts that must not mislead, each against a real PHP application behind a real
// proxy: a cookie found by its behaviour is a candidate, never a PASS; losses fail a probe
// that cannot tell the backends apart; answers that never reached the application (404s,
// redirects to a login) never PASS; a cause is given only with its evidence.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>
#include <thread>

#include "php_site.hpp"

namespace sc::test {
namespace {

// A loopback port bound but never listening: connections to it are refused for as long as
// the object lives (no other process can take the port meanwhile).
class RefusingPort {
 public:
  RefusingPort() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&a), len) == 0 &&
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) == 0)
      port_ = ntohs(a.sin_port);
  }
  ~RefusingPort() {
    if (fd_ >= 0) ::close(fd_);
  }
  RefusingPort(const RefusingPort&) = delete;
  RefusingPort& operator=(const RefusingPort&) = delete;
  int port() const { return port_; }

 private:
  int fd_;
  int port_ = 0;
};

// A loopback port listening but never accepting: the kernel completes connections into the
// backlog, and nothing ever reads or answers them (a hung server).
class SilentPort {
 public:
  SilentPort() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&a), len) == 0 &&
        ::listen(fd_, 64) == 0 && ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) == 0)
      port_ = ntohs(a.sin_port);
  }
  ~SilentPort() {
    if (fd_ >= 0) ::close(fd_);
  }
  SilentPort(const SilentPort&) = delete;
  SilentPort& operator=(const SilentPort&) = delete;
  int port() const { return port_; }

 private:
  int fd_;
  int port_ = 0;
};

// Round robin, no stickiness, an A/B cookie set once: auto finds the cookie by its behaviour
// (one value per session). That names no backend, so affinity is undecided (exit 3), with the
// option that would confirm it; before, this was PASS affinity 1.0.
TEST(ProbeVerdicts, CookieFoundByBehaviourAloneIsACandidateNotAPass) {
  auto options = sites::haproxy_roundrobin_ab_cookie();
  options.backend_env.push_back("HIDE_BACKEND=1");  // the body's "backend" would split it
  auto site = PhpSite::start(options);
  ASSERT_TRUE(site.ok()) << site.error().message;
  const std::string html = temp_path("probe-candidate.html");
  const auto r = run_probe((*site)->url(), {.extra = {"--identify", "auto", "--html", html}});
  EXPECT_EQ(r.cli.exit_code, 3) << r.describe();
  EXPECT_EQ(r.scenario["verdict"], "inconclusive") << r.describe();
  const std::string page = read_file(html);
  EXPECT_NE(page.find("<h3>How the backends were told apart</h3>"), std::string::npos);
  EXPECT_NE(page.find("<dd>cookie:ab_variant"), std::string::npos) << page.substr(0, 2000);
  const auto& affinity = find_check(r.scenario, "affinity");
  EXPECT_EQ(affinity["verdict"], "inconclusive") << r.describe();
  EXPECT_NE(affinity["explanation"].get<std::string>().find("--identify cookie:ab_variant"),
            std::string::npos)
      << r.describe();
  EXPECT_NE(r.cli.out.find("backends told apart by: cookie:ab_variant"), std::string::npos)
      << r.describe();
}

// Told that ab_variant names the backend, the probe takes the user's word (high confidence):
// the candidate's own verdict follows what it shows.
TEST(ProbeVerdicts, CandidateConfirmedByTheUserIsJudged) {
  auto site = PhpSite::start(sites::haproxy_roundrobin_ab_cookie());
  ASSERT_TRUE(site.ok()) << site.error().message;
  const auto r = run_probe((*site)->url(), {.extra = {"--identify", "cookie:ab_variant"}});
  EXPECT_EQ(r.scenario["probe"]["confidence"], "high") << r.describe();
  // One value per session: every session stays with "its" value, as told.
  EXPECT_EQ(find_check(r.scenario, "affinity")["verdict"], "pass") << r.describe();
  EXPECT_EQ(r.scenario["metrics"]["sticky_sessions"], r.scenario["metrics"]["sessions"])
      << r.describe();
}

// Strict sessions behind a plain round robin: PHP re-issues PHPSESSID on every move. The
// probe fails on the losses though nothing names the backend, and tells no Apache story
// (nothing says Apache: the near twin of ApachePhpsessidWithoutRouteLosesSessions...).
TEST(ProbeVerdicts, LossesBehindHaproxyFailWithoutTheApacheStory) {
  auto site = PhpSite::start(sites::haproxy_roundrobin_strict());
  ASSERT_TRUE(site.ok()) << site.error().message;
  const auto r = run_probe((*site)->url(), {.extra = {"--identify", "auto"}});
  EXPECT_EQ(r.cli.exit_code, 1) << r.describe();
  EXPECT_GT(r.scenario["metrics"]["session_losses"].get<int>(), 0) << r.describe();
  EXPECT_EQ(find_check(r.scenario, "session_losses")["verdict"], "fail") << r.describe();
  EXPECT_EQ(find_check(r.scenario, "affinity")["verdict"], "inconclusive") << r.describe();
  EXPECT_FALSE(said(r, "stickysession")) << r.describe();
  EXPECT_FALSE(said(r, "Apache")) << r.describe();
}

// The same strict sessions with an A/B cookie set once: auto finds ab_variant by its behaviour
// (a candidate, which silences "no cookie looks like an affinity cookie"). The losses still
// fail the probe, and with their cause: before, the diagnosis was empty.
TEST(ProbeVerdicts, LossesBesideACandidateCookieFailWithTheirCause) {
  auto options = sites::haproxy_roundrobin_ab_cookie();
  options.strict_sessions = true;
  auto site = PhpSite::start(options);
  ASSERT_TRUE(site.ok()) << site.error().message;
  const auto r = run_probe((*site)->url(), {.extra = {"--identify", "auto"}});
  EXPECT_EQ(r.cli.exit_code, 1) << r.describe();
  EXPECT_EQ(r.scenario["probe"]["identified_by"].get<std::string>().rfind("cookie:ab_variant", 0),
            0u)
      << r.describe();
  EXPECT_EQ(find_check(r.scenario, "session_losses")["verdict"], "fail") << r.describe();
  EXPECT_TRUE(said(r, "requests found their session gone: the server set a new PHPSESSID"))
      << r.describe();
  EXPECT_TRUE(said(r, "the balancer does not keep each session on the backend that holds it"))
      << r.describe();
  EXPECT_FALSE(said(r, "Apache")) << r.describe();
}

// Round robin, no stickiness, the backends named in X-Backend, and an even number of
// sessions (4, the probe's default): sessions that took the rate's slots in the order they
// asked went out in a fixed rotation, each landing on one server every time, and the probe
// said PASS affinity 1.0000. Their turns now come in a random order: FAIL.
TEST(ProbeVerdicts, RoundRobinWithSessionsInLockstepIsNeverAPass) {
  auto options = sites::haproxy_roundrobin_strict();
  options.backend_env = {"BACKEND_HEADER=1"};
  options.strict_sessions = false;  // no losses: affinity alone must tell
  auto site = PhpSite::start(options);
  ASSERT_TRUE(site.ok()) << site.error().message;
  const auto r = run_probe((*site)->url(), {.concurrency = 4,
                                            .extra = {"--identify", "header:X-Backend"}});
  EXPECT_EQ(r.cli.exit_code, 1) << r.describe();
  EXPECT_EQ(find_check(r.scenario, "affinity")["verdict"], "fail") << r.describe();
  EXPECT_GT(r.scenario["metrics"]["backend_switches"].get<int>(), 0) << r.describe();
}

// A sticky HAProxy, but the path answers 404 on every backend: the SRV cookie names the
// servers and every session stays, yet nothing of the application was seen. Not a PASS.
TEST(ProbeVerdicts, PageThatIsNotFoundEverywhereIsNeverAPass) {
  auto site = PhpSite::start(sites::haproxy_cookie_insert());
  ASSERT_TRUE(site.ok()) << site.error().message;
  const auto r = run_probe((*site)->url(), {.extra = {"--path", "/no-such-page.html"}});
  EXPECT_EQ(r.cli.exit_code, 3) << r.describe();
  EXPECT_EQ(r.scenario["metrics"]["statuses"]["404"], 60) << r.describe();
  EXPECT_TRUE(said(r, "60 of the 60 answers were 404 (60)")) << r.describe();
  EXPECT_TRUE(said(r, "a wrong path (--path)")) << r.describe();
  EXPECT_NE(r.cli.out.find("answers by status: 404 (60)"), std::string::npos) << r.describe();
}

// Every page redirects to the login: the cause names the status and where it leads, and the
// options that give the sessions a logged-in state.
TEST(ProbeVerdicts, RedirectsToALoginAreSaidWithTheirLocation) {
  auto site = PhpSite::start(sites::haproxy_cookie_insert_login_redirect());
  ASSERT_TRUE(site.ok()) << site.error().message;
  const auto r = run_probe((*site)->url());
  EXPECT_EQ(r.cli.exit_code, 3) << r.describe();
  EXPECT_TRUE(said(r, "were 302 (60): redirects (for example 302 to /login)")) << r.describe();
  EXPECT_TRUE(said(r, "--cookie or --header")) << r.describe();
}

// One PHP server answering alone: json:/backend names it on every answer, so no answer could
// have shown a switch. Not a PASS.
TEST(ProbeVerdicts, SourceThatNeverVariesIsNeverAPass) {
  auto server = start_php_server("fixtures/php/app", {"BACKEND_NAME=lb-01"});
  ASSERT_TRUE(server.ok()) << server.error().message;
  const auto r = run_probe((*server)->url(), {.extra = {"--identify", "json:/backend"}});
  EXPECT_EQ(r.cli.exit_code, 3) << r.describe();
  const auto& affinity = find_check(r.scenario, "affinity");
  EXPECT_EQ(affinity["verdict"], "inconclusive") << r.describe();
  EXPECT_NE(affinity["explanation"].get<std::string>().find(
                "named the same backend (lb-01) through json:/backend (as told)"),
            std::string::npos)
      << r.describe();
}

// Laravel re-seals its session cookie on every answer: behind a truly sticky HAProxy, the
// new bytes are no lost session (before: hundreds of "losses" and a FAIL), and the probe says
// why it did not count them.
TEST(ProbeVerdicts, SessionCookieResealedOnEveryAnswerIsNoLoss) {
  auto site = PhpSite::start(sites::haproxy_cookie_insert_sealed_session());
  ASSERT_TRUE(site.ok()) << site.error().message;
  const auto r = run_probe((*site)->url());
  EXPECT_EQ(r.cli.exit_code, 0) << r.describe();
  EXPECT_EQ(r.scenario["metrics"]["session_losses"], 0) << r.describe();
  EXPECT_TRUE(said(r, "laravel_session is encrypted or signed")) << r.describe();
}

// A loss signal the user names decides alone: PHPSESSID re-issued behind a round robin is
// not counted when --lost-when names another sign, and is counted without it.
TEST(ProbeVerdicts, LossSignalTheUserNamesDecidesAlone) {
  auto site = PhpSite::start(sites::haproxy_roundrobin_strict());
  ASSERT_TRUE(site.ok()) << site.error().message;
  const std::vector<std::string> told = {"--identify", "json:/backend"};
  auto with_signal = told;
  with_signal.insert(with_signal.end(), {"--lost-when", "header:X-Session-Lost=yes"});
  const auto r = run_probe((*site)->url(), {.extra = with_signal});
  EXPECT_EQ(r.scenario["metrics"]["session_losses"], 0) << r.describe();
  const auto without = run_probe((*site)->url(), {.extra = told});
  EXPECT_GT(without.scenario["metrics"]["session_losses"].get<int>(), 0) << without.describe();
}

// --expect losses judges only errors and losses: a round robin whose sessions move but, by the
// loss signal the user names (a header this app never sends), lose nothing, passes; its
// affinity reported but not judged.
TEST(ProbeVerdicts, ExpectLossesNeverFailsOnAffinity) {
  auto site = PhpSite::start(sites::haproxy_roundrobin_ab_cookie());
  ASSERT_TRUE(site.ok()) << site.error().message;
  const auto r = run_probe((*site)->url(),
                           {.extra = {"--identify", "json:/backend", "--expect", "losses",
                                      "--lost-when", "header:X-Session-Lost=yes"}});
  EXPECT_EQ(r.cli.exit_code, 0) << r.describe();
  EXPECT_LT(r.scenario["metrics"]["sticky_sessions"].get<int>(),
            r.scenario["metrics"]["sessions"].get<int>())
      << r.describe();
  EXPECT_EQ(find_check(r.scenario, "affinity")["verdict"], "not_applicable") << r.describe();
}

// Session ids end in .nodewww1/.nodewww2 while the members' routes are www1/www2: the cookie
// names the backends, yet sessions move. The cause names the routes seen and the mismatch;
// its twin (routes that match) sticks and says nothing of the kind.
TEST(ProbeVerdicts, RoutesThatAreNoMembersAreNamedAsTheCause) {
  auto site = PhpSite::start(sites::apache_phpsessid_route_mismatch());
  ASSERT_TRUE(site.ok()) << site.error().message;
  const auto r = run_probe((*site)->url());
  EXPECT_EQ(r.cli.exit_code, 1) << r.describe();
  EXPECT_TRUE(said(r, "the balancer does not route on these values")) << r.describe();
  EXPECT_TRUE(said(r, "the routes seen are nodewww1, nodewww2")) << r.describe();

  auto twin = PhpSite::start(sites::apache_phpsessid_route_suffix());
  ASSERT_TRUE(twin.ok()) << twin.error().message;
  const auto sticky = run_probe((*twin)->url());
  EXPECT_EQ(sticky.cli.exit_code, 0) << sticky.describe();
  EXPECT_FALSE(said(sticky, "does not route on")) << sticky.describe();
}

// The ROUTEID recipe sticking on ROUTE_ID: ROUTEID names each answer's member and changes
// with it. The cause says the balancer does not stick on it and which stickysession would,
// not that the cookie is "re-set on every response" (a rotating cookie's defect).
TEST(ProbeVerdicts, RouteCookieTheBalancerDoesNotReadIsNamedAsTheCause) {
  auto site = PhpSite::start(sites::apache_routeid_typo());
  ASSERT_TRUE(site.ok()) << site.error().message;
  const auto r = run_probe((*site)->url());
  EXPECT_EQ(r.cli.exit_code, 1) << r.describe();
  EXPECT_TRUE(said(r, "the balancer does not route on these values")) << r.describe();
  EXPECT_TRUE(said(r, "stickysession must name this cookie (stickysession=ROUTEID)"))
      << r.describe();
  EXPECT_FALSE(said(r, "rotating cookies")) << r.describe();
}

// Only a sealed session cookie comes back (its re-issue is no loss) and nothing else could
// show one: --expect losses cannot pass on zero losses it could not have seen.
TEST(ProbeVerdicts, LossesThatCouldNotBeSeenAreNeverAPass) {
  auto site = PhpSite::start(sites::haproxy_cookie_insert_sealed_session());
  ASSERT_TRUE(site.ok()) << site.error().message;
  const auto r = run_probe((*site)->url(), {.extra = {"--expect", "losses", "--session-cookie",
                                                     "laravel_session"}});
  EXPECT_EQ(r.cli.exit_code, 3) << r.describe();
  const auto& losses = find_check(r.scenario, "session_losses");
  EXPECT_EQ(losses["verdict"], "inconclusive") << r.describe();
  EXPECT_NE(losses["explanation"].get<std::string>().find("could not have been seen"),
            std::string::npos)
      << r.describe();
}

// HAProxy's SERVERID sticks each session to a service, but each service round-robins over
// two pods that name themselves in X-Backend, and strict PHP sessions are lost on every move.
// The pods are finer than SERVERID: affinity is judged on them (FAIL, before a PASS on
// SERVERID), the source names both, and the cause says which layer does not stick. Its twin,
// whose services keep a session on one pod too, still judges SERVERID and passes.
TEST(ProbeVerdicts, PodsSpreadBehindAStickyBalancerFailOnThePods) {
  auto site = PhpSite::start(sites::haproxy_services_of_pods());
  ASSERT_TRUE(site.ok()) << site.error().message;
  const auto r = run_probe((*site)->url());
  EXPECT_EQ(r.cli.exit_code, 1) << r.describe();
  EXPECT_EQ(find_check(r.scenario, "affinity")["verdict"], "fail") << r.describe();
  EXPECT_EQ(r.scenario["probe"]["identified_by"],
            "header:X-Backend within cookie:SERVERID (HAProxy server cookie)")
      << r.describe();
  EXPECT_TRUE(said(r, "SERVERID kept ")) << r.describe();
  EXPECT_TRUE(said(r, "but X-Backend shows they were spread over www1, www2 (svc1) and www3, "
                      "www4 (svc2): the layer behind the balancer does not stick"))
      << r.describe();
  EXPECT_FALSE(said(r, "does not route on")) << r.describe();
  EXPECT_NE(r.cli.out.find("backends told apart by: header:X-Backend within cookie:SERVERID"),
            std::string::npos)
      << r.describe();

  auto twin = PhpSite::start(sites::haproxy_services_of_pods(true));
  ASSERT_TRUE(twin.ok()) << twin.error().message;
  const auto sticky = run_probe((*twin)->url());
  EXPECT_EQ(sticky.cli.exit_code, 0) << sticky.describe();
  EXPECT_EQ(sticky.scenario["probe"]["identified_by"], "cookie:SERVERID (HAProxy server cookie)")
      << sticky.describe();
  EXPECT_FALSE(said(sticky, "the layer behind the balancer")) << sticky.describe();
}

// The same pods, naming themselves only in their JSON body: the field splits the services as
// the header did (before, only headers and cookies were compared, and this PASSed).
// A probe of pods behind a sticky SERVERID: affinity fails on the pods, named by `finer`, and
// the cause says how they were spread (`spread`).
void expect_failed_on_pods(const PhpSiteOptions& options, const std::string& finer,
                           const std::string& spread) {
  auto site = PhpSite::start(options);
  ASSERT_TRUE(site.ok()) << site.error().message;
  const auto r = run_probe((*site)->url());
  EXPECT_EQ(r.cli.exit_code, 1) << r.describe();
  EXPECT_EQ(find_check(r.scenario, "affinity")["verdict"], "fail") << r.describe();
  EXPECT_EQ(r.scenario["probe"]["identified_by"],
            finer + " within cookie:SERVERID (HAProxy server cookie)")
      << r.describe();
  EXPECT_TRUE(said(r, spread)) << r.describe();
}

TEST(ProbeVerdicts, PodsNamedOnlyInTheBodyFailOnThePods) {
  expect_failed_on_pods(sites::haproxy_services_of_pods(false, false), "json:/backend",
                        "but the JSON field \"backend\" shows they were spread over www1, www2 "
                        "(svc1) and www3, www4 (svc2)");
}

// svc2 is a single pod: svc1's sessions are still spread over its two pods, and the pods
// decide. Before, svc2's one pod made X-Backend "not finer throughout" and SERVERID stayed the
// identity, as if svc1's sessions had kept their backend.
TEST(ProbeVerdicts, AServiceOfOnePodDoesNotHideTheOtherServicesPods) {
  expect_failed_on_pods(sites::haproxy_services_one_of_one_pod(), "header:X-Backend",
                        "but X-Backend shows they were spread over www1, www2 (svc1)");
}

// Nothing listens: the cause is the refused connection, never a cookie story.
TEST(ProbeVerdicts, RefusedConnectionHasItsOwnCauseAndNoCookieCause) {
  RefusingPort closed;
  ASSERT_NE(closed.port(), 0);
  const auto r = run_probe("http://127.0.0.1:" + std::to_string(closed.port()) + "/");
  EXPECT_EQ(r.cli.exit_code, 3) << r.describe();
  ASSERT_EQ(r.scenario["diagnosis"].size(), 1u) << r.describe();
  EXPECT_TRUE(said(r, "nothing accepts connections there")) << r.describe();
  EXPECT_FALSE(said(r, "cookie")) << r.describe();
}

// A name that does not resolve: its own cause, naming --resolve, and no cookie cause; the
// twin below (a site that answers) never gets a transport cause.
TEST(ProbeVerdicts, NameThatDoesNotResolveHasItsOwnCause) {
  const auto r = run_probe("http://stickycheck-no-such-host.invalid/");
  EXPECT_EQ(r.cli.exit_code, 3) << r.describe();
  ASSERT_EQ(r.scenario["diagnosis"].size(), 1u) << r.describe();
  EXPECT_TRUE(said(r, "the host name does not resolve")) << r.describe();
  EXPECT_TRUE(said(r, "--resolve HOST:PORT:ADDRESS")) << r.describe();
  EXPECT_FALSE(said(r, "cookie")) << r.describe();
}

TEST(ProbeVerdicts, SiteThatAnswersGetsNoTransportCause) {
  auto server = start_php_server("fixtures/php/app", {"BACKEND_NAME=lb-01"});
  ASSERT_TRUE(server.ok()) << server.error().message;
  const auto r = run_probe((*server)->url(), {.extra = {"--identify", "json:/backend"}});
  for (const char* transport : {"does not resolve", "nothing accepts connections",
                                "stopped accepting connections", "no answer came in time",
                                "the TLS handshake failed"})
    EXPECT_FALSE(said(r, transport)) << transport << r.describe();
}

// Something accepts the connections but never answers: the connect succeeds, then every
// request times out and the probe stops. The cause quotes the error and says the connection
// was accepted; before, the ERROR came with no cause at all.
TEST(ProbeVerdicts, SiteThatAcceptsButNeverAnswersHasItsOwnCause) {
  SilentPort silent;
  ASSERT_NE(silent.port(), 0);
  const auto r = run_probe("http://127.0.0.1:" + std::to_string(silent.port()) + "/",
                           {.extra = {"--max-consecutive-errors", "3"}});
  EXPECT_EQ(r.cli.exit_code, 3) << r.describe();
  EXPECT_EQ(r.scenario["verdict"], "error") << r.describe();
  ASSERT_EQ(r.scenario["diagnosis"].size(), 1u) << r.describe();
  EXPECT_TRUE(said(r, "the connections were accepted but no answer came in time (Operation "
                      "timed out"))
      << r.describe();
  EXPECT_TRUE(said(r, "no answer was seen")) << r.describe();
  EXPECT_FALSE(said(r, "cookie")) << r.describe();
}

// HAProxy names each server in X-Served-By, as Fastly names its cache node. Told that this
// header names the backend, the probe takes the user's word and never says the header is
// "never taken as the backend's identity" (before, it did, beside a PASS on that header);
// left to auto, it still says so.
TEST(ProbeVerdicts, HeaderTheUserNamedIsNeverCalledACacheHeader) {
  auto site = PhpSite::start(sites::haproxy_cookie_insert_served_by());
  ASSERT_TRUE(site.ok()) << site.error().message;
  const auto r = run_probe((*site)->url(), {.extra = {"--identify", "header:X-Served-By"}});
  EXPECT_EQ(r.cli.exit_code, 0) << r.describe();
  EXPECT_EQ(r.scenario["probe"]["identified_by"], "header:X-Served-By (as told)") << r.describe();
  EXPECT_FALSE(said(r, "X-Served-By names the cache node")) << r.describe();
  EXPECT_EQ(r.cli.out.find("never taken as the backend's identity"), std::string::npos)
      << r.describe();

  const auto twin = run_probe((*site)->url());
  EXPECT_TRUE(said(twin, "X-Served-By names the cache node")) << twin.describe();
}

// www2 goes away for 1.5 s in the middle of the probe (killed, then started again on its
// port with its session files, as a restarted member is). HAProxy redispatches the requests
// of its sessions to www1, where their PHP session is unknown, and www1's cookie then keeps
// them there. The FAIL names the member, its window and what moved; before, it came with no
// cause at all. The twin, without the outage, never says it.
TEST(ProbeVerdicts, MemberThatWentDownAndCameBackIsNamedWithItsWindow) {
  using namespace std::chrono_literals;
  auto site = PhpSite::start(sites::haproxy_cookie_insert_redispatch());
  ASSERT_TRUE(site.ok()) << site.error().message;
  PhpSite& s = **site;
  const std::string url = s.url();
  const ProbeOptions slow{.sessions = 18, .requests_per_session = 12, .concurrency = 7, .rate = 40};
  auto probe = std::async(std::launch::async, [&] { return run_probe(url, slow); });
  // The outage is the test's subject, so its length is timed; its start waits for traffic.
  const bool began = wait_until([&] { return s.requests_logged(1) >= 8; }, 20s);
  s.stop_backend(1);
  std::this_thread::sleep_for(1500ms);
  const auto back = s.restart_backend(1);
  const auto r = probe.get();
  ASSERT_TRUE(began) << s.logs();
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(r.cli.exit_code, 1) << r.describe();
  EXPECT_TRUE(said(r, "a member stopped answering and came back (www2 from ")) << r.describe();
  EXPECT_TRUE(said(r, "sessions bound to it were answered by another backend")) << r.describe();
  EXPECT_FALSE(said(r, "a member went away")) << r.describe();  // it came back

  const auto steady = run_probe(url);
  EXPECT_EQ(steady.cli.exit_code, 0) << steady.describe();
  EXPECT_FALSE(said(steady, "a member stopped answering")) << steady.describe();
}

}  // namespace
}  // namespace sc::test
