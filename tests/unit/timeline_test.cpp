// The chart figures from hand-made records: time buckets, the session sample, the latency
// histogram and the spread against the weights.
#include "checks/timeline.hpp"

#include <gtest/gtest.h>

namespace sc {
namespace {

struct Records {
  RecordSet set;
  // One request: session, seq, start in ms, latency in us, backend ("" = no answer), status.
  Records& req(std::uint32_t session, std::uint32_t seq, int start_ms, int latency_us,
               const std::string& backend, int status = 200, bool lost = false) {
    RequestRecord r;
    r.session = session;
    r.seq = seq;
    r.start_us = start_ms * 1000;
    r.latency_us = latency_us;
    r.status = static_cast<std::int16_t>(status);
    r.backend = set.strings.intern(backend);
    r.session_lost = lost;
    set.records.push_back(r);
    return *this;
  }
};

const std::vector<std::string> kBackends = {"www1", "www2"};

TEST(Timeline, BucketsCountRequestsPerBackendAndErrorsByStartTime) {
  Records r;
  r.req(0, 0, 0, 100, "www1").req(1, 0, 3, 100, "www2").req(0, 1, 25, 100, "www1");
  r.req(1, 1, 39, 100, "", 0).req(2, 0, 41, 100, "www2", 502);
  const auto t = compute_timeline(r.set, kBackends, 5);
  EXPECT_EQ(t.width_us, 10'000);  // 42 ms in at most 5 buckets: 10 ms
  ASSERT_EQ(t.buckets.size(), 5u);
  EXPECT_EQ(t.buckets[0].per_backend, (std::vector<long long>{1, 1}));
  EXPECT_EQ(t.buckets[2].per_backend, (std::vector<long long>{1, 0}));
  EXPECT_EQ(t.buckets[3].unidentified, 1);
  EXPECT_EQ(t.buckets[3].errors, 1);
  EXPECT_EQ(t.buckets[4].per_backend, (std::vector<long long>{0, 1}));
  EXPECT_EQ(t.buckets[4].errors, 1);
}

TEST(Timeline, WidthStepsOneTwoFive) {
  Records r;
  r.req(0, 0, 0, 1, "www1").req(0, 1, 1190, 1, "www1");  // 1.19 s
  EXPECT_EQ(compute_timeline(r.set, kBackends, 60).width_us, 20'000);
  EXPECT_EQ(compute_timeline(r.set, kBackends, 10).width_us, 200'000);
  EXPECT_EQ(compute_timeline(r.set, kBackends, 3).width_us, 500'000);
  EXPECT_TRUE(compute_timeline(RecordSet{}, kBackends).buckets.empty());
}

TEST(SessionSample, SmallRunsShowEverySessionWithFlags) {
  Records r;
  r.req(0, 0, 0, 1, "www1").req(0, 1, 1, 1, "www2", 200, true).req(0, 2, 2, 1, "", 0);
  r.req(1, 0, 0, 1, "www2");
  const auto s = sample_sessions(r.set, kBackends, 10, 10);
  EXPECT_EQ(s.total_sessions, 2);
  EXPECT_EQ(s.anomalous_sessions, 1);
  EXPECT_EQ(s.selection, "every session");
  ASSERT_EQ(s.sessions.size(), 2u);
  ASSERT_EQ(s.sessions[0].cells.size(), 3u);
  EXPECT_EQ(s.sessions[0].cells[0].backend, 0);
  EXPECT_EQ(s.sessions[0].cells[1].backend, 1);
  EXPECT_TRUE(s.sessions[0].cells[1].lost);
  EXPECT_EQ(s.sessions[0].cells[2].backend, -1);
  EXPECT_TRUE(s.sessions[0].cells[2].error);
  EXPECT_EQ(s.sessions[1].cells[0].backend, 1);
}

TEST(SessionSample, BigRunsAreBoundedAndShowAnomalousSessionsFirst) {
  Records r;
  for (std::uint32_t s = 0; s < 1000; ++s)
    for (std::uint32_t q = 0; q < 20; ++q)  // sessions 500 and 900 switch backend
      r.req(s, q, int(s), 1, (s == 500 || s == 900) && q > 3 ? "www2" : "www1");
  const auto s = sample_sessions(r.set, kBackends, 10, 5);
  EXPECT_EQ(s.total_sessions, 1000);
  EXPECT_EQ(s.anomalous_sessions, 2);
  ASSERT_EQ(s.sessions.size(), 10u);
  std::vector<std::uint32_t> ids;
  for (const auto& row : s.sessions) {
    EXPECT_EQ(row.cells.size(), 5u);
    ids.push_back(row.session);
  }
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  EXPECT_NE(std::find(ids.begin(), ids.end(), 500u), ids.end());
  EXPECT_NE(std::find(ids.begin(), ids.end(), 900u), ids.end());
  EXPECT_EQ(ids.front(), 0u);  // evenly spaced from the start
  EXPECT_EQ(sample_sessions(r.set, kBackends, 10, 5).sessions.size(), 10u);  // deterministic
}

TEST(LatencyHistogram, LogBucketsAndPercentiles) {
  Records r;
  for (int i = 0; i < 90; ++i) r.req(0, std::uint32_t(i), i, 150, "www1");  // <= 200 us
  for (int i = 0; i < 9; ++i) r.req(1, std::uint32_t(i), i, 3000, "www1");  // <= 5 ms
  r.req(2, 0, 0, 2'000'000'000, "www1");                                    // slower than all
  const auto h = latency_histogram(r.set);
  ASSERT_EQ(h.upper_us.size(), h.counts.size());
  EXPECT_EQ(h.upper_us[0], 100);
  EXPECT_EQ(h.counts[1], 90);  // (100, 200]
  EXPECT_EQ(h.counts[5], 9);   // (2 ms, 5 ms]
  EXPECT_EQ(h.counts.back(), 1);
  EXPECT_EQ(h.requests, 100);
  EXPECT_EQ(h.p50_us, 150);
  EXPECT_EQ(h.p90_us, 150);
  EXPECT_EQ(h.p99_us, 3000);
  EXPECT_EQ(h.max_us, 2'000'000'000);
}

TEST(Spread, ExpectedCountsFollowTheWeights) {
  Metrics m;
  m.backends = {{"www1", {0, 30}}, {"www2", {0, 70}}, {"stray", {0, 0}}};
  const auto rows = compute_spread(m, {1, 3});
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_DOUBLE_EQ(rows[0].expected, 25);
  EXPECT_DOUBLE_EQ(rows[1].expected, 75);
  EXPECT_EQ(rows[1].observed, 70);
  EXPECT_EQ(rows[2].weight, 0);  // not configured: no expectation
  EXPECT_EQ(rows[2].expected, 0);
}

}  // namespace
}  // namespace sc
