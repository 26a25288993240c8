// The figures depend on the records, not on the order they were recorded in: the driver
// records responses as they complete, so sessions interleave and may show up out of order.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <random>

#include "report/report.hpp"
#include "runner/scenario_results.hpp"
#include "../common/scenario_builders.hpp"

namespace sc {
namespace {

Scenario two_backends_killed() {
  Scenario s = test::two_backends("");
  DisturbanceSpec kill;
  kill.action = DisturbanceAction::kKill;
  kill.backend = "www1";
  s.disturbances.push_back(kill);
  return s;
}

// Sessions numbered with gaps, some cookieless; switches, losses, errors, unnamed answers.
RecordSet varied_records() {
  RecordSet set;
  std::mt19937 rng(11);
  for (std::uint32_t session = 0; session < 3000; session += 1 + (session % 13 == 0)) {
    for (std::uint32_t seq = 0; seq < 6; ++seq) {
      RequestRecord r;
      r.session = session;
      r.seq = seq;
      r.start_us = (session / 4) * 1000 + seq * 200 + static_cast<std::int64_t>(rng() % 150);
      r.latency_us = static_cast<std::int32_t>(100 + rng() % 5000);
      r.status = rng() % 40 ? 200 : (rng() % 2 ? 503 : 0);
      if (r.status == 0) r.error = set.strings.intern(rng() % 2 ? "refused" : "reset");
      const bool other = rng() % 25 == 0;
      if (r.status != 0 && rng() % 60)
        r.backend = set.strings.intern((session % 2) ^ other ? "www2" : "www1");
      r.sticky_value = set.strings.intern(session % 2 ? ".www2" : ".www1");
      r.session_lost = rng() % 50 == 0;
      r.cookieless = session % 17 == 5;
      set.records.push_back(r);
    }
  }
  return set;
}

std::string figures_json(const Scenario& s, const RecordSet& set) {
  FiredDisturbance kill{s.disturbances.front(), 1'000'000, 1'000'000, 0, ""};
  Report report;
  report.scenarios.emplace_back();
  compute_figures(s, set, {kill}, report.scenarios.back());
  judge(s, "", false, {}, report.scenarios.back());
  return to_json(report)["scenarios"][0].dump();
}

TEST(Figures, RecordsInAnyOrderGiveTheSameFiguresChecksAndCharts) {
  const auto s = two_backends_killed();
  const RecordSet in_order = varied_records();
  RecordSet shuffled = in_order;
  std::shuffle(shuffled.records.begin(), shuffled.records.end(), std::mt19937(3));
  RecordSet by_start = in_order;
  std::stable_sort(by_start.records.begin(), by_start.records.end(),
                   [](const auto& a, const auto& b) { return a.start_us < b.start_us; });
  const auto expected = figures_json(s, in_order);
  EXPECT_EQ(figures_json(s, shuffled), expected);
  EXPECT_EQ(figures_json(s, by_start), expected);
}

}  // namespace
}  // namespace sc
