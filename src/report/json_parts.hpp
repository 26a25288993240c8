#pragma once
// Pieces of the report's JSON shared by its writer and its reader.
#include <nlohmann/json.hpp>

#include "checks/timeline.hpp"
#include "report/report.hpp"

namespace sc {

// j[key] as a T; `fallback` when absent, null or of another type (an old or hand-edited
// report still opens, with what it has).
template <typename T>
T value_or(const nlohmann::json& j, const char* key, T fallback) {
  if (!j.is_object()) return fallback;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  try {
    return it->get<T>();
  } catch (const nlohmann::json::exception&) {
    return fallback;
  }
}

nlohmann::json charts_to_json(const ChartFigures& c);
ChartFigures charts_from_json(const nlohmann::json& j);  // missing parts stay empty

// What a merge reads besides the figures the renderers show (report/shard_json.cpp): into and
// out of the metrics' object, and the scenario's "shard" object.
void add_metrics_extras(const Metrics& m, nlohmann::json& metrics);
void read_metrics_extras(const nlohmann::json& metrics, Metrics& m);
nlohmann::json shard_to_json(const ScenarioReport& r);
void shard_from_json(const nlohmann::json& shard, ScenarioReport& r);

nlohmann::json cookies_to_json(const std::vector<CookieObservation>& cookies);
std::vector<CookieObservation> cookies_from_json(const nlohmann::json& j);

}  // namespace sc
