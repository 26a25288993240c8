#include "scenario/scenario_shard.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdint>

#include "scenario/yaml_emit.hpp"
#include "util/text.hpp"

namespace sc {

Result<ShardSpec> parse_shard(std::string_view text) {
  const auto slash = text.find('/');
  long long index = -1, count = 0;
  const bool read = slash != std::string_view::npos && parse_int(text.substr(0, slash), index) &&
                    parse_int(text.substr(slash + 1), count);
  if (!read || count < 1 || count > kMaxShards || index < 0 || index >= count)
    return Error{
        fmt::format("expected I/N, shard I of N counted from 0 (0 <= I < N <= {}), got '{}'",
                    kMaxShards, text)};
  return ShardSpec{static_cast<int>(index), static_cast<int>(count), {}};
}

std::string run_id_error(std::string_view run_id) {
  const bool ok = !run_id.empty() && run_id.size() <= 128 &&
                  std::all_of(run_id.begin(), run_id.end(), [](unsigned char c) {
                    return std::isalnum(c) || c == '.' || c == '_' || c == ':' || c == '-';
                  });
  if (ok) return "";
  return fmt::format("expected 1 to 128 letters, digits, '.', '_', ':' or '-', got '{}'",
                     run_id);
}

int shard_sessions(int total, const ShardSpec& shard) {
  if (total <= shard.index) return 0;
  return (total - shard.index + shard.count - 1) / shard.count;
}

Result<Scenario> shard_scenario(Scenario s, const ShardSpec& shard) {
  const int total = s.traffic.sessions;
  const int mine = shard_sessions(total, shard);
  if (mine == 0)
    return Error{fmt::format(
        "shard {}/{} would drive no session: the test has {} session{}, fewer than {} shards",
        shard.index, shard.count, total, total == 1 ? "" : "s", shard.count)};
  s.shard = shard;
  auto& c = s.traffic.concurrency;
  c = std::clamp(c / shard.count + (shard.index < c % shard.count ? 1 : 0), 1, mine);
  const int rows = static_cast<int>(s.traffic.users.size());
  if (s.traffic.users_unique && shard_sessions(rows, shard) < c)
    return Error{fmt::format(
        "shard {}/{}: users_unique gives it the {} of the {} users' rows whose index is {} "
        "modulo {}, fewer than its {} sessions at a time",
        shard.index, shard.count, shard_sessions(rows, shard), rows, shard.index, shard.count, c)};
  if (s.target) {
    // In proportion to the sessions, so no shard is planned more requests than its cap allows
    // when the whole test was not.
    s.target->rate = s.target->rate * mine / total;
    s.target->max_requests = s.target->max_requests * mine / total;
  }
  return s;
}

std::string scenario_fingerprint(const Scenario& s) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  const auto mix = [&h](std::string_view bytes) {
    for (const unsigned char c : bytes) {
      h ^= c;
      h *= 0x100000001b3ull;
    }
    h ^= 0xff;  // a separator no text byte sequence can fake by shifting bytes across fields
    h *= 0x100000001b3ull;
  };
  // The source without its secrets: a report shows that text and this hash, and a hash of a
  // password is a way to guess it.
  mix(redacted_source(s.source));
  mix(s.traffic.host);
  mix(std::to_string(s.traffic.users.size()));
  return fmt::format("{:016x}", h);
}

}  // namespace sc
