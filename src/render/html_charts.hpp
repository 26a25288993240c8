#pragma once
// The report's charts, as <figure> elements holding inline SVG drawn from the model's figures.
#include <string>
#include <vector>

#include "checks/failover.hpp"
#include "checks/statistics.hpp"
#include "checks/timeline.hpp"

namespace sc {

// One row per sampled session, one cell per request, coloured by the backend that answered;
// errors crossed out, session losses ringed.
std::string affinity_map_html(const SessionSample& sample);

// Requests per backend per time bucket (stacked), errors below the axis, disturbances marked.
std::string timeline_html(const Timeline& t, const std::vector<FiredDisturbance>& disturbances);

// First requests per backend against what the weights expect, with the test's figures.
std::string spread_html(const std::vector<SpreadRow>& spread, const ChiSquareResult& chi,
                        double alpha);

// The latency histogram (log-scale buckets) and its percentiles.
std::string latency_html(const LatencyHistogram& h);

// Swatches naming each backend's colour.
std::string backend_legend(const std::vector<std::string>& backends, bool with_marks);

}  // namespace sc
