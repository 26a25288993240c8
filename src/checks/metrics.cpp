#include "checks/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include "checks/statistics.hpp"

namespace sc {

namespace {

// percentile() without its copy of the values: at this point of the checks (every record, a
// pointer to each, their latencies) the copy was 8 bytes a request of the run's peak memory.
long long percentile_in_place(std::vector<long long>& values, double q) {
  if (values.empty()) return 0;
  auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size())));
  rank = std::clamp<std::size_t>(rank, 1, values.size());
  std::nth_element(values.begin(), values.begin() + static_cast<long>(rank - 1), values.end());
  return values[rank - 1];
}

}  // namespace

Metrics compute_metrics(const RecordSet& set, const std::vector<std::string>& backend_names,
                        char separator, const std::set<std::uint32_t>& left_out) {
  std::unordered_map<std::uint32_t, long long> error_counts;  // transport error text -> requests
  Metrics m;
  std::vector<const RequestRecord*> sorted;
  sorted.reserve(set.records.size());
  for (const auto& r : set.records) sorted.push_back(&r);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) {
    return a->session != b->session ? a->session < b->session : a->seq < b->seq;
  });

  for (const auto& name : backend_names) m.backends.push_back({name, {}});
  auto figures = [&m](const std::string& name) -> BackendFigures& {
    for (auto& [n, f] : m.backends)
      if (n == name) return f;
    m.backends.push_back({name, {}});
    return m.backends.back().second;
  };

  std::vector<long long> latencies;
  latencies.reserve(sorted.size());
  std::unordered_set<std::uint32_t> sticky_values;
  for (std::size_t i = 0; i < sorted.size();) {
    std::size_t end = i;
    while (end < sorted.size() && sorted[end]->session == sorted[i]->session) ++end;
    if (left_out.count(sorted[i]->session)) {
      ++m.left_out_sessions;
      m.left_out_requests += static_cast<long long>(end - i);
      i = end;
      continue;
    }
    const bool cookieless = sorted[i]->cookieless;
    if (cookieless) {
      ++m.cookieless_sessions;
      m.cookieless_requests += static_cast<long long>(end - i);
    } else {
      ++m.sessions;
    }
    const std::uint32_t first = sorted[i]->backend;
    bool sticky = true;
    long long switches = 0;
    bool switch_after_first = false;
    std::uint32_t first_named = StringTable::kNone;
    bool named_another = false, failed = false;
    for (std::size_t k = i; k < end; ++k) {
      const auto& r = *sorted[k];
      ++m.requests;
      latencies.push_back(r.latency_us);
      if (r.status == 0) {
        ++m.transport_errors;
        ++error_counts[r.error];
      }
      if (r.status >= 500) ++m.server_errors;
      failed = failed || r.status == 0 || r.status >= 500;
      if (r.status > 0 && r.status < 500 && r.backend == StringTable::kNone)
        ++m.answers_without_backend;
      if (first_named == StringTable::kNone) first_named = r.backend;
      named_another =
          named_another || (r.backend != StringTable::kNone && r.backend != first_named);
      if (r.backend != StringTable::kNone) figures(set.strings.get(r.backend)).requests++;
      if (cookieless) continue;
      if (r.session_lost) ++m.session_losses;
      if (r.session_expired) ++m.session_expiries;
      if (r.backend == StringTable::kNone || r.backend != first) sticky = false;
      if (first != StringTable::kNone && r.backend == first) ++m.requests_on_first_backend;
      if (k > i && r.backend != StringTable::kNone &&
          sorted[k - 1]->backend != StringTable::kNone && r.backend != sorted[k - 1]->backend) {
        ++switches;
        switch_after_first = switch_after_first || k == i + 1;
      }
      if (r.sticky_value != StringTable::kNone) {
        ++m.requests_with_sticky_cookie;
        sticky_values.insert(r.sticky_value);
      }
    }
    if (first != StringTable::kNone) figures(set.strings.get(first)).first_requests++;
    if (cookieless) {
      i = end;
      continue;
    }
    if (sticky) ++m.sticky_sessions;
    if (!sticky && !named_another && failed) ++m.unsticky_sessions_failed_only;
    m.backend_switches += switches;
    m.max_session_switches = std::max(m.max_session_switches, switches);
    if (switches == 1 && switch_after_first && end - i >= 3) ++m.sessions_moved_after_first_only;
    i = end;
  }
  m.errors = m.transport_errors + m.server_errors;
  for (const auto& [text, count] : error_counts)
    if (count > m.top_transport_error_count ||
        (count == m.top_transport_error_count && set.strings.get(text) < m.top_transport_error)) {
      m.top_transport_error = set.strings.get(text);
      m.top_transport_error_count = count;
    }
  m.latency_p50_us = percentile_in_place(latencies, 0.50);
  m.latency_p99_us = percentile_in_place(latencies, 0.99);
  latencies = {};  // before the sticky values' strings are gathered

  m.distinct_sticky_values = static_cast<long long>(sticky_values.size());
  std::vector<std::string> values;
  for (auto id : sticky_values) values.push_back(set.strings.get(id));
  std::sort(values.begin(), values.end());
  for (const auto& v : values) {
    if (separator == 0 || v.find(separator) != std::string::npos) ++m.sticky_values_with_separator;
    if (m.sticky_value_examples.size() < 3) m.sticky_value_examples.push_back(v);
  }
  return m;
}

}  // namespace sc
