#pragma once
// Shards (--shard I/N): which sessions a part runs, what share of the concurrency, rate and
// request cap it takes, and the fingerprint that tells a merge which reports belong together.
// Pure.
#include <string>
#include <string_view>

#include "scenario/scenario.hpp"
#include "util/result.hpp"

namespace sc {

inline constexpr int kMaxShards = 10000;

// "I/N", 0 <= I < N <= kMaxShards (I counts from 0, as Kubernetes' JOB_COMPLETION_INDEX).
Result<ShardSpec> parse_shard(std::string_view text);

// --run-id: 1 to 128 letters, digits, '.', '_', ':' or '-'; the text of an error otherwise.
std::string run_id_error(std::string_view run_id);

// How many of `total` sessions have an index that is shard.index modulo shard.count.
int shard_sessions(int total, const ShardSpec& shard);

// The scenario as shard `shard` runs it: its sessions' share of the concurrency (at least one
// at a time), and a probe's rate and request cap in proportion to its sessions, so that the
// limits hold for all shards together. An error when the shard would have no session.
Result<Scenario> shard_scenario(Scenario s, const ShardSpec& shard);

// What was tested with which settings, the shard taken out: 16 hex digits of a 64-bit FNV-1a
// over the scenario's source (as the report shows it: secrets redacted), the host it was sent
// to and the number of users' rows. Equal for the shards of one test; a test changed in any
// setting but a secret's value has another.
std::string scenario_fingerprint(const Scenario& s);

}  // namespace sc
