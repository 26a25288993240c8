#pragma once
// The figures the report's charts draw, computed once from the request records (renderers
// never recompute): requests per backend over time, a bounded sample of sessions request by
// request, a latency histogram, and the first requests' spread against the weights.
#include <cstdint>
#include <string>
#include <vector>

#include "checks/metrics.hpp"
#include "driver/records.hpp"
#include "records/session_index.hpp"

namespace sc {

// Requests that began in [index * width_us, (index + 1) * width_us).
struct TimeBucket {
  std::vector<long long> per_backend;  // answered by each of Timeline::backends, in order
  long long errors = 0;                // no answer or a 5xx (also counted per backend if any)
  long long unidentified = 0;          // answered without a backend identity (no backend)
};

struct Timeline {
  std::int64_t width_us = 0;          // every bucket's width; 0: no requests
  std::vector<std::string> backends;  // the metrics' backends, in their order
  std::vector<TimeBucket> buckets;
};

// One request of a sampled session, as the affinity map draws it.
struct SampleCell {
  int backend = -1;    // index into SessionSample::backends; -1: no backend answered
  bool lost = false;   // the backend did not know the session id it was sent
  bool error = false;  // no answer or a 5xx
};

struct SampledSession {
  std::uint32_t session = 0;  // the driver's session index
  bool cookieless = false;
  std::vector<SampleCell> cells;  // in request order, at most SessionSample::max_requests
};

struct SessionSample {
  long long total_sessions = 0;  // sessions in the records
  std::size_t max_sessions = 0;  // the bounds the sample was drawn with
  std::size_t max_requests = 0;
  long long anomalous_sessions = 0;  // sessions with a switch, loss or error, all of the run
  std::vector<std::string> backends;
  std::vector<SampledSession> sessions;  // in session order
  std::string selection;                 // how the sessions were chosen, in words
};

// Latency on a log scale: counts[i] requests took at most upper_us[i] (and more than
// upper_us[i - 1]); the last bucket holds everything slower than the one before it.
struct LatencyHistogram {
  std::vector<std::int64_t> upper_us;
  std::vector<long long> counts;
  long long requests = 0;
  std::int64_t p50_us = 0, p90_us = 0, p99_us = 0, max_us = 0;
};

struct SpreadRow {
  std::string backend;
  double weight = 0;       // 0: unknown (not configured in the scenario)
  long long observed = 0;  // sessions whose first request it answered
  double expected = 0;     // that count if the spread followed the weights exactly
};

struct ChartFigures {
  Timeline timeline;
  SessionSample sample;
  LatencyHistogram latency;
  std::vector<SpreadRow> spread;
};

inline constexpr std::size_t kMaxTimeBuckets = 60;
inline constexpr std::size_t kSampleSessions = 100;
inline constexpr std::size_t kSampleRequests = 60;

// The smallest 1-2-5 step (in microseconds, at least 1 ms) that covers `span_us` in
// `max_buckets` buckets.
std::int64_t timeline_bucket_width(std::int64_t span_us, std::size_t max_buckets);

// Bucket width: a 1-2-5 step so that the run fits in at most `max_buckets` buckets.
Timeline compute_timeline(const RecordSet& set, const std::vector<std::string>& backends,
                          std::size_t max_buckets = kMaxTimeBuckets);

// Deterministic: up to half the slots go to sessions with a switch, loss or error (the first
// ones), the rest to sessions evenly spaced over the run; all sessions when they fit.
SessionSample sample_sessions(const RecordSet& set, const std::vector<std::string>& backends,
                              std::size_t max_sessions = kSampleSessions,
                              std::size_t max_requests = kSampleRequests);
// The same over `sessions`, the records already grouped (one grouping for every figure).
SessionSample sample_sessions(const RecordSet& set, const SessionIndex& sessions,
                              const std::vector<std::string>& backends,
                              std::size_t max_sessions = kSampleSessions,
                              std::size_t max_requests = kSampleRequests);

LatencyHistogram latency_histogram(const RecordSet& set);

// `weights` follows `m.backends`' first entries (the scenario's backends, in order).
std::vector<SpreadRow> compute_spread(const Metrics& m, const std::vector<double>& weights);

ChartFigures compute_chart_figures(const RecordSet& set, const Metrics& m,
                                   const std::vector<double>& weights);
ChartFigures compute_chart_figures(const RecordSet& set, const SessionIndex& sessions,
                                   const Metrics& m, const std::vector<double>& weights);

}  // namespace sc
