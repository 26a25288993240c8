#include "runner/memory_estimate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "driver/records.hpp"
#include "scenario/node_reader.hpp"
#include "util/text.hpp"

namespace sc {

namespace {

// "12345", "512K", "2G" -> bytes.
std::optional<std::uint64_t> parse_size(std::string_view text) {
  std::uint64_t scale = 1;
  if (!text.empty()) {
    switch (text.back()) {
      case 'K':
      case 'k':
        scale = 1ull << 10;
        break;
      case 'M':
      case 'm':
        scale = 1ull << 20;
        break;
      case 'G':
      case 'g':
        scale = 1ull << 30;
        break;
      default:
        break;
    }
    if (scale != 1) text.remove_suffix(1);
  }
  long long v = 0;
  if (!parse_int(text, v) || v <= 0 || static_cast<std::uint64_t>(v) > UINT64_MAX / scale)
    return std::nullopt;
  return static_cast<std::uint64_t>(v) * scale;
}

std::optional<std::uint64_t> meminfo_available() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  std::uint64_t kb = 0;
  std::string unit;
  while (in >> key >> kb) {
    std::getline(in, unit);
    if (key == "MemAvailable:") return kb * 1024;
  }
  return std::nullopt;
}

std::optional<std::uint64_t> cgroup_limit() {
  auto text = read_text_file("/sys/fs/cgroup/memory.max");
  if (!text) return std::nullopt;
  return parse_size(trim(*text));  // "max" (no limit) does not parse
}

}  // namespace

MemoryCost memory_cost() {
  MemoryCost c;
  // The checks group the records by session with a 4-byte index each (records/session_index).
  c.per_request = sizeof(RequestRecord) + sizeof(std::uint32_t);
  return c;
}

std::uint64_t estimate_run_bytes(const TrafficSpec& t, const MemoryCost& cost) {
  const auto sessions = static_cast<std::uint64_t>(std::max(t.sessions, 0));
  const auto per_session = static_cast<std::uint64_t>(std::max(t.requests_per_session, 0));
  return cost.fixed + sessions * (cost.per_session + per_session * cost.per_request);
}

AvailableMemory available_memory() {
  AvailableMemory out;
  if (const char* limit = std::getenv("STICKYCHECK_MEMORY_LIMIT"); limit && *limit) {
    out.bytes = parse_size(limit);
    if (!out.bytes)
      out.error = fmt::format(
          "STICKYCHECK_MEMORY_LIMIT: expected a size in bytes, or with a "
          "K, M or G suffix, got '{}'",
          printable(limit));
    return out;
  }
  out.bytes = meminfo_available();
  if (auto cg = cgroup_limit()) out.bytes = out.bytes ? std::min(*out.bytes, *cg) : *cg;
  return out;
}

std::string human_bytes(std::uint64_t bytes) {
  static constexpr const char* kUnits[] = {"bytes", "KB", "MB", "GB", "TB", "PB"};
  double v = static_cast<double>(bytes);
  std::size_t u = 0;
  while (v >= 1024 && u + 1 < std::size(kUnits)) {
    v /= 1024;
    ++u;
  }
  return u == 0 ? fmt::format("{} bytes", bytes) : fmt::format("{:.1f} {}", v, kUnits[u]);
}

std::string check_memory(const Scenario& s, std::uint64_t available, const MemoryCost& cost) {
  const std::uint64_t need = estimate_run_bytes(s.traffic, cost);
  if (need <= available) return "";
  const auto& t = s.traffic;
  // What would fit with the scenario's requests per session.
  const std::uint64_t per_session =
      cost.per_session + static_cast<std::uint64_t>(t.requests_per_session) * cost.per_request;
  const std::uint64_t room = available > cost.fixed ? available - cost.fixed : 0;
  const std::uint64_t sessions = room / per_session;
  const std::string fits =
      sessions == 0
          ? fmt::format("not even one session of {} requests fits", t.requests_per_session)
          : fmt::format("at most {} sessions of {} requests would fit", sessions,
                        t.requests_per_session);
  return located_error(
      s.file, t.mark, "traffic.sessions",
      fmt::format("{} sessions x {} requests need about {} of memory, but {} is available; {}",
                  t.sessions, t.requests_per_session, human_bytes(need), human_bytes(available),
                  fits));
}

}  // namespace sc
