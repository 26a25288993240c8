#include "checks/timeline.hpp"

#include <algorithm>

#include "checks/statistics.hpp"

namespace sc {

namespace {

// Record backend id -> index in `backends`, -1 for none or one not listed: a vector by string
// id, looked up per request.
std::vector<int> backend_indices(const RecordSet& set, const std::vector<std::string>& backends) {
  std::vector<int> out(set.strings.size(), -1);
  for (std::size_t i = 0; i < backends.size(); ++i)
    if (auto id = set.strings.find(backends[i]); id != StringTable::kNone)
      out[id] = static_cast<int>(i);
  return out;
}

int index_of(const std::vector<int>& ids, std::uint32_t backend) {
  return backend < ids.size() ? ids[backend] : -1;
}

bool failed(const RequestRecord& r) { return r.status == 0 || r.status >= 500; }


// A backend switch, a loss or an error.
bool anomalous(const SessionRecords& s) {
  for (std::size_t k = 0; k < s.size(); ++k)
    if (s[k].session_lost || failed(s[k]) || (k > 0 && s[k].backend != s[k - 1].backend))
      return true;
  return false;
}

// Which sessions the sample shows: anomalous ones first (up to half), then evenly spaced.
std::vector<std::size_t> choose_sessions(const std::vector<bool>& ranges, std::size_t max,
                                         long long& anomalous) {
  std::vector<std::size_t> chosen;
  anomalous = std::count(ranges.begin(), ranges.end(), true);
  if (ranges.size() <= max) {
    for (std::size_t i = 0; i < ranges.size(); ++i) chosen.push_back(i);
    return chosen;
  }
  std::vector<bool> taken(ranges.size(), false);
  for (std::size_t i = 0; i < ranges.size() && chosen.size() < max / 2; ++i)
    if (ranges[i]) chosen.push_back(i), taken[i] = true;
  const std::size_t rest = max - chosen.size();
  for (std::size_t k = 0; k < rest; ++k) {
    std::size_t i = k * ranges.size() / rest;
    while (i < ranges.size() && taken[i]) ++i;  // the next one not yet shown
    if (i < ranges.size()) chosen.push_back(i), taken[i] = true;
  }
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

}  // namespace

Timeline compute_timeline(const RecordSet& set, const std::vector<std::string>& backends,
                          std::size_t max_buckets) {
  Timeline t;
  t.backends = backends;
  if (set.records.empty() || max_buckets == 0) return t;
  std::int64_t last = 0;
  for (const auto& r : set.records) last = std::max(last, r.start_us);
  t.width_us = timeline_bucket_width(last + 1, max_buckets);
  t.buckets.assign(static_cast<std::size_t>(last / t.width_us) + 1,
                   TimeBucket{std::vector<long long>(backends.size(), 0), 0, 0});
  const auto ids = backend_indices(set, backends);
  for (const auto& r : set.records) {
    auto& b =
        t.buckets[static_cast<std::size_t>(std::max<std::int64_t>(r.start_us, 0) / t.width_us)];
    const int i = index_of(ids, r.backend);
    if (i >= 0)
      ++b.per_backend[static_cast<std::size_t>(i)];
    else
      ++b.unidentified;
    if (failed(r)) ++b.errors;
  }
  return t;
}

SessionSample sample_sessions(const RecordSet& set, const std::vector<std::string>& backends,
                              std::size_t max_sessions, std::size_t max_requests) {
  return sample_sessions(set, SessionIndex(set.records), backends, max_sessions, max_requests);
}

SessionSample sample_sessions(const RecordSet& set, const SessionIndex& sessions,
                              const std::vector<std::string>& backends, std::size_t max_sessions,
                              std::size_t max_requests) {
  SessionSample s;
  s.max_sessions = max_sessions;
  s.max_requests = max_requests;
  s.backends = backends;
  std::vector<bool> unusual(sessions.size());
  for (std::size_t i = 0; i < sessions.size(); ++i) unusual[i] = anomalous(sessions[i]);
  s.total_sessions = static_cast<long long>(sessions.size());
  const auto ids = backend_indices(set, backends);
  for (std::size_t i : choose_sessions(unusual, max_sessions, s.anomalous_sessions)) {
    const auto records = sessions[i];
    SampledSession row;
    row.session = records.front().session;
    row.cookieless = records.front().cookieless;
    for (std::size_t k = 0; k < records.size() && row.cells.size() < max_requests; ++k)
      row.cells.push_back(
          {index_of(ids, records[k].backend), records[k].session_lost, failed(records[k])});
    s.sessions.push_back(std::move(row));
  }
  if (sessions.size() <= max_sessions)
    s.selection = "every session";
  else
    s.selection =
        "the first sessions with a backend switch, a session loss or an error (up to "
        "half the rows), the others evenly spaced over the run";
  return s;
}

std::int64_t timeline_bucket_width(std::int64_t span_us, std::size_t max_buckets) {
  std::int64_t width = 1000;
  for (int k = 0;; k = (k + 1) % 3) {
    if (span_us <= width * static_cast<std::int64_t>(max_buckets)) return width;
    width = k == 1 ? width / 2 * 5 : width * 2;  // 1 -> 2 -> 5 -> 10
  }
}

LatencyHistogram latency_histogram(const RecordSet& set) {
  LatencyHistogram h;
  // 1-2-5 steps from 100 us to 50 s, then everything slower.
  for (std::int64_t decade = 100; decade <= 10'000'000; decade *= 10)
    for (int m : {1, 2, 5}) h.upper_us.push_back(decade * m);
  h.upper_us.push_back(INT64_MAX);
  h.counts.assign(h.upper_us.size(), 0);
  h.max_us = set.records.empty() ? 0 : INT64_MIN;
  for (const auto& r : set.records) {
    const auto it = std::lower_bound(h.upper_us.begin(), h.upper_us.end(), r.latency_us);
    ++h.counts[static_cast<std::size_t>(it - h.upper_us.begin())];
    h.max_us = std::max<std::int64_t>(h.max_us, r.latency_us);
  }
  h.requests = static_cast<long long>(set.records.size());
  // Without a copy of the latencies (8 bytes a request, three times over).
  const auto p = percentiles_of(
      [&set](auto&& add) {
        for (const auto& r : set.records) add(r.latency_us);
      },
      {0.50, 0.90, 0.99});
  h.p50_us = p[0];
  h.p90_us = p[1];
  h.p99_us = p[2];
  return h;
}

std::vector<SpreadRow> compute_spread(const Metrics& m, const std::vector<double>& weights) {
  std::vector<SpreadRow> rows;
  long long n = 0;
  double total_weight = 0;
  for (std::size_t i = 0; i < m.backends.size(); ++i) {
    n += m.backends[i].second.first_requests;
    if (i < weights.size()) total_weight += weights[i];
  }
  for (std::size_t i = 0; i < m.backends.size(); ++i) {
    SpreadRow r{m.backends[i].first, i < weights.size() ? weights[i] : 0,
                m.backends[i].second.first_requests, 0};
    if (total_weight > 0) r.expected = double(n) * r.weight / total_weight;
    rows.push_back(r);
  }
  return rows;
}

ChartFigures compute_chart_figures(const RecordSet& set, const Metrics& m,
                                   const std::vector<double>& weights) {
  return compute_chart_figures(set, SessionIndex(set.records), m, weights);
}

ChartFigures compute_chart_figures(const RecordSet& set, const SessionIndex& sessions,
                                   const Metrics& m, const std::vector<double>& weights) {
  std::vector<std::string> names;
  for (const auto& [name, f] : m.backends) names.push_back(name);
  return {compute_timeline(set, names), sample_sessions(set, sessions, names),
          latency_histogram(set), compute_spread(m, weights)};
}

}  // namespace sc
