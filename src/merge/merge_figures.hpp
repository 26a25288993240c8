#pragma once
// The figures of shards added up to what one run of all their sessions would have counted:
// counts add, per-backend figures add by name, the most common texts are found again from
// their counts, latencies merge as histograms, timelines align on the wall clock. Pure.
#include <cstdint>
#include <string>
#include <vector>

#include "checks/checks.hpp"
#include "checks/metrics.hpp"
#include "checks/timeline.hpp"
#include "report/report.hpp"

namespace sc {

// `separator`: the sticky cookie's route separator (0: the whole value), by which the
// distinct values are counted again.
Metrics merge_metrics(const std::vector<const Metrics*>& parts, char separator);

struct ChartPart {
  const ChartFigures* charts = nullptr;
  std::int64_t started_unix_us = 0;  // the shard's time 0
};

// The charts of `parts` over `merged`'s backends; the spread against `weights` and the
// latency percentiles from `merged`.
ChartFigures merge_charts(const std::vector<ChartPart>& parts, const Metrics& merged,
                          const std::vector<double>& weights);

// By cookie name, in the order first seen: responses add, examples unite (at most 3).
std::vector<CookieObservation> merge_cookies(
    const std::vector<const std::vector<CookieObservation>*>& parts);

// The first shard's site; every shard's cookies (the first of each name) and proxy log lines.
RunEvidence merge_evidence(const std::vector<const RunEvidence*>& parts);

// Each distinct text once, in the order first seen.
std::vector<std::string> merge_distinct(const std::vector<const std::vector<std::string>*>& parts);

}  // namespace sc
