#include <nlohmann/json.hpp>

#include "report/json_parts.hpp"

namespace sc {

namespace {

nlohmann::json timeline_json(const Timeline& t) {
  nlohmann::json requests = nlohmann::json::array(), errors = nlohmann::json::array(),
                 unidentified = nlohmann::json::array();
  for (const auto& b : t.buckets) {
    requests.push_back(b.per_backend);
    errors.push_back(b.errors);
    unidentified.push_back(b.unidentified);
  }
  return {{"bucket_us", t.width_us},
          {"backends", t.backends},
          {"requests", requests},
          {"errors", errors},
          {"unidentified", unidentified}};
}

Timeline timeline_from(const nlohmann::json& j) {
  Timeline t;
  t.width_us = value_or<std::int64_t>(j, "bucket_us", 0);
  t.backends = value_or<std::vector<std::string>>(j, "backends", {});
  auto requests = value_or<std::vector<std::vector<long long>>>(j, "requests", {});
  auto errors = value_or<std::vector<long long>>(j, "errors", {});
  auto unidentified = value_or<std::vector<long long>>(j, "unidentified", {});
  for (std::size_t i = 0; i < requests.size(); ++i) {
    requests[i].resize(t.backends.size(), 0);
    t.buckets.push_back({requests[i], i < errors.size() ? errors[i] : 0,
                         i < unidentified.size() ? unidentified[i] : 0});
  }
  return t;
}

nlohmann::json sample_json(const SessionSample& s) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& row : s.sessions) {
    std::vector<int> backends;
    std::vector<std::size_t> lost, errors;
    for (std::size_t i = 0; i < row.cells.size(); ++i) {
      backends.push_back(row.cells[i].backend);
      if (row.cells[i].lost) lost.push_back(i);
      if (row.cells[i].error) errors.push_back(i);
    }
    rows.push_back({{"session", row.session},
                    {"cookieless", row.cookieless},
                    {"backends", backends},
                    {"lost", lost},
                    {"errors", errors}});
  }
  return {{"total_sessions", s.total_sessions},
          {"max_sessions", s.max_sessions},
          {"max_requests", s.max_requests},
          {"anomalous_sessions", s.anomalous_sessions},
          {"selection", s.selection},
          {"backends", s.backends},
          {"sessions", rows}};
}

SessionSample sample_from(const nlohmann::json& j) {
  SessionSample s;
  s.total_sessions = value_or<long long>(j, "total_sessions", 0);
  s.max_sessions = value_or<std::size_t>(j, "max_sessions", 0);
  s.max_requests = value_or<std::size_t>(j, "max_requests", 0);
  s.anomalous_sessions = value_or<long long>(j, "anomalous_sessions", 0);
  s.selection = value_or<std::string>(j, "selection", "");
  s.backends = value_or<std::vector<std::string>>(j, "backends", {});
  for (const auto& row : value_or<nlohmann::json>(j, "sessions", nlohmann::json::array())) {
    SampledSession out;
    out.session = value_or<std::uint32_t>(row, "session", 0);
    out.cookieless = value_or<bool>(row, "cookieless", false);
    for (int b : value_or<std::vector<int>>(row, "backends", {}))
      out.cells.push_back({b < static_cast<int>(s.backends.size()) ? b : -1, false, false});
    for (auto i : value_or<std::vector<std::size_t>>(row, "lost", {}))
      if (i < out.cells.size()) out.cells[i].lost = true;
    for (auto i : value_or<std::vector<std::size_t>>(row, "errors", {}))
      if (i < out.cells.size()) out.cells[i].error = true;
    s.sessions.push_back(std::move(out));
  }
  return s;
}

// The last bucket (everything slower) has no finite bound: counts is one longer.
nlohmann::json latency_json(const LatencyHistogram& h) {
  std::vector<std::int64_t> bounds(h.upper_us.begin(),
                                   h.upper_us.empty() ? h.upper_us.end() : h.upper_us.end() - 1);
  return {{"upper_us", bounds}, {"counts", h.counts}, {"requests", h.requests},
          {"p50_us", h.p50_us}, {"p90_us", h.p90_us}, {"p99_us", h.p99_us},
          {"max_us", h.max_us}};
}

LatencyHistogram latency_from(const nlohmann::json& j) {
  LatencyHistogram h;
  h.upper_us = value_or<std::vector<std::int64_t>>(j, "upper_us", {});
  h.counts = value_or<std::vector<long long>>(j, "counts", {});
  if (!h.counts.empty()) h.upper_us.push_back(INT64_MAX);
  h.counts.resize(h.upper_us.size(), 0);
  h.requests = value_or<long long>(j, "requests", 0);
  h.p50_us = value_or<std::int64_t>(j, "p50_us", 0);
  h.p90_us = value_or<std::int64_t>(j, "p90_us", 0);
  h.p99_us = value_or<std::int64_t>(j, "p99_us", 0);
  h.max_us = value_or<std::int64_t>(j, "max_us", 0);
  return h;
}

}  // namespace

nlohmann::json charts_to_json(const ChartFigures& c) {
  nlohmann::json spread = nlohmann::json::array();
  for (const auto& r : c.spread)
    spread.push_back({{"backend", r.backend},
                      {"weight", r.weight},
                      {"observed", r.observed},
                      {"expected", r.expected}});
  return {{"timeline", timeline_json(c.timeline)},
          {"session_sample", sample_json(c.sample)},
          {"latency_histogram", latency_json(c.latency)},
          {"spread", spread}};
}

ChartFigures charts_from_json(const nlohmann::json& j) {
  ChartFigures c;
  c.timeline = timeline_from(value_or<nlohmann::json>(j, "timeline", {}));
  c.sample = sample_from(value_or<nlohmann::json>(j, "session_sample", {}));
  c.latency = latency_from(value_or<nlohmann::json>(j, "latency_histogram", {}));
  for (const auto& r : value_or<nlohmann::json>(j, "spread", nlohmann::json::array()))
    c.spread.push_back({value_or<std::string>(r, "backend", ""), value_or<double>(r, "weight", 0),
                        value_or<long long>(r, "observed", 0), value_or<double>(r, "expected", 0)});
  return c;
}

nlohmann::json cookies_to_json(const std::vector<CookieObservation>& cookies) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : cookies)
    out.push_back({{"name", c.name},
                   {"attributes", c.attributes},
                   {"examples", c.examples},
                   {"responses", c.responses},
                   {"identified_backend", c.identified_backend}});
  return out;
}

std::vector<CookieObservation> cookies_from_json(const nlohmann::json& j) {
  std::vector<CookieObservation> out;
  if (!j.is_array()) return out;
  for (const auto& c : j)
    out.push_back({value_or<std::string>(c, "name", ""), value_or<std::string>(c, "attributes", ""),
                   value_or<std::vector<std::string>>(c, "examples", {}),
                   value_or<long long>(c, "responses", 0),
                   value_or<bool>(c, "identified_backend", false)});
  return out;
}

}  // namespace sc
