// Whether a probe could have seen a lost session at all: one request with a made-up session
// id, against a real PHP application behind a real HAProxy. PHP without strict mode adopts any
// id it is sent, so zero re-issued cookies there prove nothing; with strict mode they do.
#include <gtest/gtest.h>

#include "php_site.hpp"

namespace sc::test {
namespace {

// PHP's defaults behind a plain round robin: sessions land on both backends, each of which
// starts an empty session under the id it is sent and re-issues nothing. Before, the probe
// passed the losses check (zero losses, exit 0); now it is undecided, says why and what to
// name instead.
TEST(ProbeLossSignal, SessionIdTheApplicationAdoptsLeavesLossesUndecided) {
  auto options = sites::haproxy_roundrobin_ab_cookie();
  auto site = PhpSite::start(options);
  ASSERT_TRUE(site.ok()) << site.error().message;
  const auto r = run_probe((*site)->url(), {.extra = {"--expect", "losses"}});
  EXPECT_EQ(r.cli.exit_code, 3) << r.describe();
  const auto& losses = find_check(r.scenario, "session_losses");
  EXPECT_EQ(losses["verdict"], "inconclusive") << r.describe();
  const std::string why = losses["explanation"].get<std::string>();
  EXPECT_NE(why.find("the application adopts a session id it never issued (PHP does without "
                     "session.use_strict_mode=1)"),
            std::string::npos)
      << why;
  EXPECT_NE(why.find("--lost-when"), std::string::npos) << why;
  EXPECT_NE(r.cli.out.find("losses seen by: PHPSESSID re-issued for an id the answering backend "
                           "does not hold: a request with a made-up PHPSESSID"),
            std::string::npos)
      << r.describe();
}

// Its twin with strict sessions behind a sticky HAProxy: the made-up id is re-issued, so the
// zero losses of the probe's sessions are evidence and the losses check passes.
TEST(ProbeLossSignal, SessionIdTheApplicationReissuesMakesZeroLossesCount) {
  auto site = PhpSite::start(sites::haproxy_cookie_insert());
  ASSERT_TRUE(site.ok()) << site.error().message;
  const auto r = run_probe((*site)->url(), {.extra = {"--expect", "losses"}});
  EXPECT_EQ(r.cli.exit_code, 0) << r.describe();
  EXPECT_EQ(find_check(r.scenario, "session_losses")["verdict"], "pass") << r.describe();
  EXPECT_NE(r.scenario["probe"]["loss_signal"].get<std::string>().find(
                "got a new PHPSESSID (HTTP 200): the application re-issues a session id it does "
                "not know"),
            std::string::npos)
      << r.describe();
}

// Losses seen already show that a lost session shows: no made-up id is tried.
TEST(ProbeLossSignal, LossesSeenNeedNoMadeUpId) {
  auto site = PhpSite::start(sites::haproxy_roundrobin_strict());
  ASSERT_TRUE(site.ok()) << site.error().message;
  const auto r = run_probe((*site)->url(), {.extra = {"--expect", "losses"}});
  EXPECT_EQ(r.cli.exit_code, 1) << r.describe();
  const std::string said = r.scenario["probe"]["loss_signal"].get<std::string>();
  EXPECT_NE(said.find("PHPSESSID re-issued for an id the answering backend did not hold ("),
            std::string::npos)
      << said;
  EXPECT_EQ(said.find("made-up"), std::string::npos) << said;
}

}  // namespace
}  // namespace sc::test
