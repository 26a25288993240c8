// --shard I/N: which sessions a shard drives, its share of the limits, the fingerprint.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "scenario/scenario_parser.hpp"
#include "scenario/scenario_shard.hpp"
#include "scenario/yaml_emit.hpp"

namespace sc {
namespace {

TEST(ScenarioShard, ReadsIOfN) {
  auto s = parse_shard("2/5");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->index, 2);
  EXPECT_EQ(s->count, 5);
}

TEST(ScenarioShard, RefusesAShardOutsideItsCount) {
  for (const char* bad : {"3/3", "-1/3", "1", "a/b", "0/0", "0/10001", "1/3/4"}) {
    auto s = parse_shard(bad);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.error().message,
              std::string("expected I/N, shard I of N counted from 0 (0 <= I < N <= 10000), got '") +
                  bad + "'");
  }
}

TEST(ScenarioShard, EverySessionFallsInExactlyOneShard) {
  for (int total : {1, 7, 50, 101})
    for (int n : {1, 2, 3, 7}) {
      int sum = 0;
      for (int i = 0; i < n; ++i) sum += shard_sessions(total, {i, n, {}});
      EXPECT_EQ(sum, total) << total << " " << n;
    }
  EXPECT_EQ(shard_sessions(50, {1, 3, {}}), 17);  // 1, 4, ..., 49
  EXPECT_EQ(shard_sessions(50, {2, 3, {}}), 16);
}

Scenario probe(int sessions, int concurrency) {
  auto s = parse_scenario_text(fmt::format(R"yaml(name: p
target:
  url: "http://shop.example/"
  rate: 30
  max_requests: 500
traffic:
  sessions: {}
  requests_per_session: 10
  concurrency: {}
)yaml",
                                           sessions, concurrency),
                               "p.yaml");
  EXPECT_TRUE(s.ok()) << s.error().message;
  return *s;
}

TEST(ScenarioShard, AShardTakesItsSessionsShareOfTheRateCapAndConcurrency) {
  const auto s = probe(50, 5);
  auto a = shard_scenario(s, {1, 3, {}});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->traffic.sessions, 50);  // the indexes stay the whole test's
  EXPECT_EQ(a->traffic.concurrency, 2);
  EXPECT_DOUBLE_EQ(a->target->rate, 30.0 * 17 / 50);
  EXPECT_EQ(a->target->max_requests, 500 * 17 / 50);  // 170: its 17 sessions x 10 fit
  double rate = 0;
  long long cap = 0;
  int concurrency = 0;
  for (int i = 0; i < 3; ++i) {
    auto part = shard_scenario(s, {i, 3, {}});
    rate += part->target->rate;
    cap += part->target->max_requests;
    concurrency += part->traffic.concurrency;
  }
  EXPECT_DOUBLE_EQ(rate, 30);  // the limits hold for all shards together
  EXPECT_LE(cap, 500);
  EXPECT_EQ(concurrency, 5);
}

TEST(ScenarioShard, RefusesAShardWithoutASession) {
  auto a = shard_scenario(probe(3, 1), {4, 5, {}});
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().message,
            "shard 4/5 would drive no session: the test has 3 sessions, fewer than 5 shards");
}

TEST(ScenarioShard, TheFingerprintLeavesTheShardOutAndSeesEverySetting) {
  const auto s = probe(50, 5);
  const auto f = scenario_fingerprint(s);
  EXPECT_EQ(f.size(), 16u);
  EXPECT_EQ(scenario_fingerprint(*shard_scenario(s, {2, 3, {}})), f);
  EXPECT_NE(scenario_fingerprint(probe(40, 5)), f);
  auto other_host = s;
  other_host.traffic.host = "www.example.com";
  EXPECT_NE(scenario_fingerprint(other_host), f);
}

TEST(ScenarioShard, TheReportsSourceKeepsNoSecretAndStillReadsAsTheTest) {
  const std::string source = R"yaml(name: p
target:
  url: "http://shop.example/"
  headers: ["Authorization: Bearer s3cr3t"]
  cookie: "session=abc"
  steps:
    - name: log in
      post: /login
      form: {user: alice, password: hunter2}
      headers: {X-Token: t0k3n}
      expect_status: 302
traffic:
  sessions: 4
)yaml";
  const auto redacted = redacted_source(source);
  for (const char* secret : {"s3cr3t", "abc", "hunter2", "t0k3n", "alice"})
    EXPECT_EQ(redacted.find(secret), std::string::npos) << secret << "\n" << redacted;
  EXPECT_NE(redacted.find("Authorization: (redacted)"), std::string::npos) << redacted;
  EXPECT_NE(redacted.find("session=redacted"), std::string::npos) << redacted;
  auto s = parse_scenario_text(redacted, "p.yaml");
  ASSERT_TRUE(s.ok()) << s.error().message << "\n" << redacted;
  EXPECT_EQ(s->traffic.steps.size(), 1u);
  EXPECT_EQ(s->traffic.steps[0].expect_status, std::vector<int>{302});
}

TEST(ScenarioShard, ScalarHeadersJsonBodiesAndRepeatedKeysAreRedactedToo) {
  const std::string source = R"yaml(name: p
target:
  url: "http://shop.example/"
  headers: "Authorization: Bearer s3cr3t"
  steps:
    - name: token
      post: /api
      json: "t0p-s3cr3t"
      headers: {X-Token: first, X-Token: s3c0nd}
)yaml";
  const auto redacted = redacted_source(source);
  for (const char* secret : {"s3cr3t", "t0p-s3cr3t", "first", "s3c0nd"})
    EXPECT_EQ(redacted.find(secret), std::string::npos) << secret << "\n" << redacted;
  EXPECT_NE(redacted.find("Authorization: (redacted)"), std::string::npos) << redacted;
}

TEST(ScenarioShard, TheFingerprintIsTakenOfTheRedactedSource) {
  // A hash of a password, printed beside the text it was taken from, is a way to guess it.
  auto a = probe(50, 5), b = probe(50, 5);
  a.source += "  headers: [\"Authorization: Bearer one\"]\n";
  b.source += "  headers: [\"Authorization: Bearer two\"]\n";
  EXPECT_EQ(scenario_fingerprint(a), scenario_fingerprint(b));
}

TEST(ScenarioShard, ARunIdIsLettersDigitsAndAFewMarks) {
  EXPECT_EQ(run_id_error("3f2a9c1e-07d4-4b8e-9a61-2c5d0f3b7e11"), "");
  EXPECT_EQ(run_id_error("nightly:2026-12-07_1"), "");
  EXPECT_EQ(run_id_error("a b"),
            "expected 1 to 128 letters, digits, '.', '_', ':' or '-', got 'a b'");
  EXPECT_NE(run_id_error(std::string(129, 'a')), "");
  EXPECT_NE(run_id_error(""), "");
}

}  // namespace
}  // namespace sc
