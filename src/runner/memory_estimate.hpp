#pragma once
// Before a run starts: the memory its traffic will need (the records, what the checks group
// them with, the interned session ids, the backends' session stores) against what the machine
// has, so that a scenario that cannot fit is refused plainly instead of aborting half-way.
#include <cstdint>
#include <optional>
#include <string>

#include "scenario/scenario.hpp"

namespace sc {

struct MemoryCost {
  std::uint64_t fixed = 64ull << 20;  // the process, libcurl, the children's own start-up
  std::uint64_t per_request = 0;      // a record and the checks' working copies of it
  std::uint64_t per_session = 512;    // interned ids and cookies, a backend's store entry
};
MemoryCost memory_cost();

std::uint64_t estimate_run_bytes(const TrafficSpec& t, const MemoryCost& cost = memory_cost());

// The memory a run may use: $STICKYCHECK_MEMORY_LIMIT when set (bytes, or with a K, M or G
// suffix), else the smaller of /proc/meminfo's MemAvailable and the cgroup's memory.max.
// nullopt when neither can be read (nothing is refused then) or the variable is malformed.
struct AvailableMemory {
  std::optional<std::uint64_t> bytes;
  std::string error;  // a malformed STICKYCHECK_MEMORY_LIMIT
};
AvailableMemory available_memory();

// "" when the scenario fits in `available` bytes; otherwise a located error naming what it
// needs, what is available and how many requests would fit.
std::string check_memory(const Scenario& s, std::uint64_t available,
                         const MemoryCost& cost = memory_cost());

// "1.5 GB", "640 MB": for messages.
std::string human_bytes(std::uint64_t bytes);

}  // namespace sc
