// Failover figures from hand-made records: who was bound where, what happened afterwards.
#include "checks/failover.hpp"

#include <algorithm>

#include "checks/checks.hpp"

#include <gtest/gtest.h>

namespace sc {
namespace {

struct FailoverRecords {
  RecordSet set;
  // One request: session, seq, start and end in ms, backend ("" = no answer), status.
  FailoverRecords& req(std::uint32_t session, std::uint32_t seq, int start_ms, int end_ms,
               const std::string& backend, int status = 200, bool lost = false) {
    RequestRecord r;
    r.session = session;
    r.seq = seq;
    r.start_us = start_ms * 1000;
    r.latency_us = (end_ms - start_ms) * 1000;
    r.status = static_cast<std::int16_t>(status);
    r.backend = set.strings.intern(backend);
    r.session_lost = lost;
    set.records.push_back(r);
    return *this;
  }
};

FiredDisturbance fired(DisturbanceAction a, const std::string& backend, int at_ms) {
  FiredDisturbance f;
  f.spec.action = a;
  f.spec.backend = backend;
  f.at_us = at_ms * 1000;
  return f;
}

TEST(FailoverFigures, KillWithFailover) {
  FailoverRecords b;
  b.req(0, 0, 0, 5, "www1")
      .req(0, 1, 10, 15, "www1")
      .req(0, 2, 110, 115, "www2", 200, true)
      .req(0, 3, 120, 125, "www2");                                     // bound to www1, moved
  b.req(1, 0, 0, 5, "www2").req(1, 1, 110, 115, "www2");                // www2's: untouched
  b.req(2, 0, 90, 120, "", 502).req(2, 1, 130, 135, "www2");            // in flight at 100: failed
  b.req(3, 0, 150, 155, "www2");                                        // new after the kill
  b.req(4, 0, 95, 105, "www1").req(4, 1, 140, 145, "www2", 200, true);  // answered in flight
  b.req(5, 0, 0, 5, "www1").req(5, 1, 95, 108, "www2", 200, true);      // moved while in flight
  const std::vector<FiredDisturbance> events = {fired(DisturbanceAction::kKill, "www1", 100)};
  auto figures = compute_failover(b.set, events);
  ASSERT_EQ(figures.size(), 1u);
  const auto& f = figures[0];
  EXPECT_EQ(f.bound_sessions, 3);  // sessions 0, 4 and 5
  EXPECT_EQ(f.requests_after, 4);
  EXPECT_EQ(f.served_by_disturbed, 0);
  EXPECT_EQ(f.served_elsewhere, 4);
  EXPECT_EQ(f.lost, 3);
  EXPECT_EQ(f.sessions_moved, 3);
  EXPECT_EQ(f.sessions_recovered, 3);
  EXPECT_EQ(f.sessions_failed, 0);
  EXPECT_EQ(f.in_flight_failed, 1);
  EXPECT_EQ(f.recovery_max_us, 45'000);  // session 4: answered at 145 ms
  EXPECT_EQ(f.collateral_sessions, 0);
  EXPECT_EQ(f.new_sessions_on_disturbed, 0);
  EXPECT_EQ(disturbed_sessions(b.set, events), (std::set<std::uint32_t>{0, 2, 4, 5}));
}

TEST(FailoverFigures, SessionsThatEndedBeforeTheDisturbanceAreNotDisturbed) {
  FailoverRecords b;
  b.req(0, 0, 0, 5, "www1").req(0, 1, 10, 15, "www1");  // all done before the kill at 100
  b.req(1, 0, 0, 5, "www1").req(1, 1, 120, 125, "www2");
  const std::vector<FiredDisturbance> events = {fired(DisturbanceAction::kKill, "www1", 100)};
  EXPECT_EQ(disturbed_sessions(b.set, events), (std::set<std::uint32_t>{1}));
  EXPECT_EQ(compute_failover(b.set, events).at(0).bound_sessions, 1);
}

TEST(FailoverFigures, CollateralAndNewSessionsOnTheDisturbedBackend) {
  FailoverRecords b;
  b.req(0, 0, 0, 5, "www2").req(0, 1, 110, 115, "www1");  // www2's session moved: collateral
  b.req(1, 0, 120, 125, "www1");                          // new session on the drained member
  b.req(2, 0, 0, 5, "www1").req(2, 1, 130, 135, "www1");  // stays
  const std::vector<FiredDisturbance> events = {fired(DisturbanceAction::kDrain, "www1", 100)};
  const auto f = compute_failover(b.set, events).at(0);
  EXPECT_EQ(f.collateral_sessions, 1);
  EXPECT_EQ(f.new_sessions_on_disturbed, 1);
  EXPECT_EQ(f.bound_sessions, 1);
  EXPECT_EQ(f.served_by_disturbed, 1);
}

TEST(FailoverFigures, UnfiredAndFailedDisturbancesHaveNoFigures) {
  FailoverRecords b;
  b.req(0, 0, 0, 5, "www1");
  auto never = fired(DisturbanceAction::kKill, "www1", 0);
  never.at_us = -1;
  auto failed = fired(DisturbanceAction::kKill, "www1", 1);
  failed.error = "backend www1 is not running";
  EXPECT_TRUE(compute_failover(b.set, {never, failed}).empty());
  EXPECT_TRUE(disturbed_sessions(b.set, {never, failed}).empty());
}

}  // namespace
}  // namespace sc

namespace sc {
namespace {

TEST(FailoverFigures, ARequestFailedWhileTheKillWasCarriedOutWasInFlight) {
  FailoverRecords b;
  b.req(0, 0, 0, 5, "www1").req(1, 0, 8, 9, "", 0);  // failed between began and fired
  auto d = fired(DisturbanceAction::kKill, "www1", 10);
  d.began_us = 7000;
  auto f = compute_failover(b.set, {d});
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].in_flight_failed, 1);
  EXPECT_EQ(disturbed_sessions(b.set, {d}).count(1), 1u);
  d.began_us = -1;  // without the start of the action, only failures after it fired count
  EXPECT_EQ(compute_failover(b.set, {d})[0].in_flight_failed, 0);
}

// A kill that took a while (the process group reaped under load): the session failed over
// while it was carried out, yet it was bound to the killed member when the kill began.
TEST(FailoverFigures, ASessionThatMovedWhileTheKillWasCarriedOutWasBoundToTheKilledMember) {
  FailoverRecords b;
  b.req(0, 0, 0, 5, "www1").req(0, 1, 150, 155, "www2", 200, true).req(0, 2, 210, 215, "www2");
  auto d = fired(DisturbanceAction::kKill, "www1", 200);
  d.began_us = 100'000;
  const auto f = compute_failover(b.set, {d});
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].bound_sessions, 1);
  EXPECT_EQ(f[0].sessions_moved, 1);
  EXPECT_EQ(f[0].collateral_sessions, 0);
  EXPECT_EQ(disturbed_sessions(b.set, {d}), (std::set<std::uint32_t>{0}));
}

// A restart that waited for its new process: sessions the balancer moved to www2 meanwhile,
// with a request in flight when it began or sent while it was carried out, lost their session
// there, and their later requests carry www2's. Those losses are the restart's doing: counted
// from the moment it fired only, a run's figures once said 27 sessions moved and none lost.
TEST(FailoverFigures, ASessionMovedWhileARestartWasCarriedOutCountsItsLoss) {
  FailoverRecords b;
  b.req(0, 0, 0, 5, "www1").req(0, 1, 95, 104, "www2", 200, true).req(0, 2, 120, 121, "www2");
  b.req(1, 0, 0, 5, "www1").req(1, 1, 101, 102, "www1").req(1, 2, 120, 121, "www1");  // stayed
  b.req(2, 0, 0, 5, "www1").req(2, 1, 103, 104, "", 502).req(2, 2, 120, 121, "www2");
  b.req(3, 0, 0, 5, "www1").req(3, 1, 102, 106, "www2", 200, true);
  auto d = fired(DisturbanceAction::kRestart, "www1", 110);
  d.began_us = 100'000;
  const auto f = compute_failover(b.set, {d});
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].bound_sessions, 4);
  // Session 1's answer from the old process and session 2's failure while the restart was
  // carried out were in flight.
  EXPECT_EQ(f[0].requests_after, 2 + 1 + 1 + 1);
  EXPECT_EQ(f[0].lost, 2);
  EXPECT_EQ(f[0].served_elsewhere, 2 + 1 + 1);
  EXPECT_EQ(f[0].served_by_disturbed, 1);
  EXPECT_EQ(f[0].errors, 0);
  EXPECT_EQ(f[0].in_flight_failed, 1);
  EXPECT_EQ(f[0].sessions_moved, 3);
  EXPECT_EQ(f[0].recovery_max_us, 21'000);  // from the restart's start
}

TEST(FailoverFigures, LastErrorOfTheBoundSessions) {
  FailoverRecords b;
  b.req(0, 0, 0, 5, "www1").req(0, 1, 20, 1020, "", 503).req(0, 2, 1030, 1040, "www2");
  auto f = compute_failover(b.set, {fired(DisturbanceAction::kKill, "www1", 10)});
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].errors, 1);
  EXPECT_EQ(f[0].last_error_us, 1010 * 1000);
  EXPECT_EQ(f[0].sessions_moved, 1);
}

// The verdict of expect.disturbed_sessions: move_after_errors over hand-made figures.
Verdict move_after_errors_verdict(const FailoverFigures& f) {
  Scenario s;
  s.expect.disturbed_sessions = "move_after_errors";
  s.expect.max_recovery = std::chrono::milliseconds(2000);
  Evaluation e;
  add_failover_checks(s, {fired(DisturbanceAction::kKill, "www1", 100)}, {f}, e);
  const auto c = std::find_if(e.checks.begin(), e.checks.end(), [](const CheckResult& c) {
    return c.id == "disturbances[0].disturbed_sessions";
  });
  EXPECT_NE(c, e.checks.end());
  return c == e.checks.end() ? Verdict::kNotApplicable : c->verdict;
}

TEST(FailoverCheck, MoveAfterErrorsCountsTheRequestsThatFailedInFlight) {
  FailoverFigures f;
  f.backend = "www1";
  f.bound_sessions = 50;
  f.requests_after = 140;
  f.served_elsewhere = 140;
  f.sessions_moved = 50;
  f.sessions_recovered = 50;
  f.in_flight_failed = 12;  // the only errors: the retries outlasted the health check
  EXPECT_EQ(move_after_errors_verdict(f), Verdict::kPass);
  f.in_flight_failed = 0;  // no request of anyone failed: that was a seamless move
  EXPECT_EQ(move_after_errors_verdict(f), Verdict::kFail);
}

// The flaky CI failure of reference-kill-member-failover: the balancer had evened out its
// counts by sending every new session to www2, www1's sessions had all ended, and the kill
// met nobody. That tests nothing, so it is no FAIL: inconclusive, saying why.
TEST(FailoverCheck, NoBoundSessionIsInconclusiveAndSaysWhenTheBackendLastAnswered) {
  FailoverRecords b;
  b.req(0, 0, 0, 5, "www1").req(0, 1, 10, 15, "www1");      // ended before the kill
  b.req(1, 0, 0, 5, "www2").req(1, 1, 120, 125, "www2");    // www2's own
  const std::vector<FiredDisturbance> events = {fired(DisturbanceAction::kKill, "www1", 100)};
  const auto figures = compute_failover(b.set, events);
  ASSERT_EQ(figures.size(), 1u);
  EXPECT_EQ(figures[0].bound_sessions, 0);
  EXPECT_EQ(figures[0].last_answer_before_us, 15'000);
  Scenario s;
  s.expect.disturbed_sessions = "move";
  s.expect.max_recovery = std::chrono::milliseconds(1000);
  Evaluation e;
  add_failover_checks(s, events, figures, e);
  int judged = 0;
  for (const auto& c : e.checks) {
    if (c.id != "disturbances[0].disturbed_sessions" && c.id != "disturbances[0].recovery")
      continue;
    ++judged;
    EXPECT_EQ(c.verdict, Verdict::kInconclusive) << c.id;
    EXPECT_EQ(c.explanation,
              "no session was bound to www1 when it was disturbed: its sessions had all ended "
              "(its last answer came 15 ms after the traffic began, and the balancer sent no "
              "new session there since), so nothing was tested; send longer sessions (more "
              "requests_per_session) so that some are under way when it is disturbed");
  }
  EXPECT_EQ(judged, 2);
}

}  // namespace
}  // namespace sc
