// Sessions that log in as users do (traffic.steps, probe --steps): the real PHP login
// (fixtures/php/app/login.php, a CSRF token, account.php behind it) behind real HAProxy, sticky
// and not, and the refusals a tester meets before anything is sent.
#include <gtest/gtest.h>

#include <fstream>

#include "php_site.hpp"

namespace sc::test {
namespace {

const std::vector<std::string> kLoginSteps = {"--steps",    "fixtures/probe/php-login-steps.yaml",
                                              "--users",    "fixtures/php/users.csv",
                                              "--identify", "header:X-Backend"};

PhpSiteOptions with_backend_header(PhpSiteOptions o) {
  o.backend_env.push_back("BACKEND_HEADER=1");
  return o;
}

// HAProxy's inserted cookie keeps the login page, the form and the account pages on one
// backend: every session logs in and stays; the steps are counted apart.
TEST(Steps, ProbeLogsIntoRealPhpBehindHaproxyCookieAndKeepsEverySession) {
  auto site = PhpSite::start(with_backend_header(sites::haproxy_cookie_insert()));
  ASSERT_TRUE(site.ok()) << site.error().message;
  const auto r = run_probe((*site)->url(), {.extra = kLoginSteps});
  ASSERT_EQ(r.cli.exit_code, 0) << r.describe();
  const auto& m = r.scenario["metrics"];
  EXPECT_EQ(m["sessions"], 12) << r.describe();
  EXPECT_EQ(m["sticky_sessions"], 12) << r.describe();
  EXPECT_EQ(m["step_failures"], 0) << r.describe();
  EXPECT_EQ(m["requests"], 12 * 6) << r.describe();
  ASSERT_EQ(m["steps"].size(), 3u) << r.describe();
  EXPECT_EQ(m["steps"][2]["requests"], 48) << r.describe();
  EXPECT_NE(
      r.scenario["probe"]["loss_signal"].get<std::string>().find("account: redirect:/login.php"),
      std::string::npos)
      << r.describe();
}

// The login through each other real proxy's sticky recipe: every session logs in and stays.
void expect_login_kept(const PhpSiteOptions& options, std::vector<std::string> more = {}) {
  auto site = PhpSite::start(with_backend_header(options));
  ASSERT_TRUE(site.ok()) << site.error().message;
  auto extra = kLoginSteps;
  extra.insert(extra.end(), more.begin(), more.end());
  const auto r = run_probe((*site)->url(), {.extra = extra});
  ASSERT_EQ(r.cli.exit_code, 0) << r.describe();
  EXPECT_EQ(r.scenario["metrics"]["sticky_sessions"], 12) << r.describe();
  EXPECT_EQ(r.scenario["metrics"]["step_failures"], 0) << r.describe();
  EXPECT_EQ(r.scenario["metrics"]["session_losses"], 0) << r.describe();
}

TEST(Steps, ProbeLogsIntoRealPhpBehindApacheRouteidRecipe) {
  expect_login_kept(sites::apache_routeid());
}

// Caddy 2.6 places a new session at random: the spread is judged at 0.001 (probe_apps_test).
TEST(Steps, ProbeLogsIntoRealPhpBehindCaddyLbCookie) {
  expect_login_kept(sites::caddy_lb_cookie(), {"--alpha", "0.001"});
}

// nginx hashing PHPSESSID: the login gives the session a new id (session_regenerate_id), the
// new id hashes anew, and about half the sessions land where the logged-in session is not:
// the account page sends them back to the login page, which the step counts as a loss. (The
// form too may hash to the other backend: a refused login. A session logs in and then moves
// with p = 1/4: 40 sessions all miss it with p = (3/4)^40, about 1e-5.)
TEST(Steps, ProbeSeesAHashOfTheSessionIdMoveSessionsAtTheLogin) {
  auto site = PhpSite::start(with_backend_header(sites::nginx_hash()));
  ASSERT_TRUE(site.ok()) << site.error().message;
  const auto r = run_probe((*site)->url(), {.sessions = 40, .extra = kLoginSteps});
  EXPECT_EQ(r.cli.exit_code, 1) << r.describe();
  const auto& m = r.scenario["metrics"];
  EXPECT_GT(m["steps"][2]["session_losses"].get<int>(), 0) << r.describe();
  EXPECT_EQ(find_check(r.scenario, "session_losses")["verdict"], "fail") << r.describe();
  EXPECT_TRUE(said(r,
                   "showed the application's sign of a new session (lost_when of account: "
                   "redirect:/login.php)"))
      << r.describe();
}

// Round robin without stickiness: the form reaches the backend that did not issue its token
// (PHP answers 403) or the account page the one that does not hold the login; the probe fails
// and says which step broke.
TEST(Steps, ProbeOfALoginBehindRoundRobinFailsNamingTheStepThatBroke) {
  auto site = PhpSite::start(with_backend_header(sites::haproxy_roundrobin_strict()));
  ASSERT_TRUE(site.ok()) << site.error().message;
  const auto r = run_probe((*site)->url(), {.extra = kLoginSteps});
  EXPECT_EQ(r.cli.exit_code, 1) << r.describe();
  const auto& m = r.scenario["metrics"];
  EXPECT_GT(m["step_failures"].get<int>(), 0) << r.describe();
  EXPECT_NE(find_check(r.scenario, "errors")["explanation"].get<std::string>().find(
                "first failing step: log in"),
            std::string::npos)
      << r.describe();
}

// Over https the steps go through libcurl: the form is posted with its body (a login
// succeeds), each step is recorded, and the hash of the session id moves sessions here too.
TEST(Steps, ProbeOverHttpsPostsTheFormAndRecordsEveryStep) {
  auto tls = make_self_signed_certificate(temp_path(""));
  ASSERT_TRUE(tls.ok()) << tls.error().message;
  auto site = PhpSite::start(with_backend_header(sites::nginx_hash_tls(*tls)));
  ASSERT_TRUE(site.ok()) << site.error().message;
  auto extra = kLoginSteps;
  extra.insert(extra.end(), {"--cacert", tls->cert});
  const auto r = run_probe((*site)->url("https"), {.sessions = 40, .extra = extra});
  ASSERT_TRUE(r.scenario.is_object()) << r.describe();
  const auto& steps = r.scenario["metrics"]["steps"];
  ASSERT_EQ(steps.size(), 3u) << r.describe();
  EXPECT_EQ(steps[0]["requests"], 40) << r.describe();
  EXPECT_EQ(steps[1]["requests"], 40) << r.describe();
  // Some logins went through (the form and its token reached the backend that issued it).
  EXPECT_GT(steps[2]["requests"].get<int>(), 0) << r.describe();
  EXPECT_EQ(r.cli.exit_code, 1) << r.describe();
}

TEST(Steps, ProbeStepsFileErrorNamesItsLine) {
  const std::string file = temp_path("bad-steps.yaml");
  std::ofstream(file) << "- get: /a\n- post: /b\n  form: {x: '{{nope}}'}\n";
  const auto r = run_cli({"probe", "http://127.0.0.1:9/", "--steps", file, "--dry-run"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "stickycheck probe: " + file +
                       ":3:13: steps[1].form.x: {{nope}} is captured by no earlier step "
                       "(captured so far: none; also {{user.COLUMN}} and {{session}})\n");
}

TEST(Steps, UsersUniqueWithFewerUsersThanSessionsAtOnceIsRefused) {
  const auto r =
      run_cli({"probe", "http://127.0.0.1:9/", "--steps", "fixtures/probe/php-login-steps.yaml",
               "--users", "fixtures/php/users.csv", "--users-unique", "--dry-run"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "stickycheck probe: --users: fixtures/php/users.csv has 4 users, fewer than "
            "the 5 sessions at once, and users_unique is on (two sessions of one user "
            "can log each other out): add users or lower traffic.concurrency\n");
}

TEST(Steps, DryRunListsTheStepsAndSendsNoMadeUpId) {
  const auto r =
      run_cli({"probe", "http://127.0.0.1:9/", "--steps", "fixtures/probe/php-login-steps.yaml",
               "--users", "fixtures/php/users.csv", "--dry-run"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("50 sessions x 6 requests = 300 requests"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  step log in: POST /login.php\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  step account: GET /account.php x 4\n"), std::string::npos) << r.out;
  // The password column is never printed.
  EXPECT_NE(r.out.find("  users: 4 rows of fixtures/php/users.csv, the first row 1 (name=alice, "
                       "team=blue)\n"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("alice-pw"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("made-up session id"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace sc::test
