#include "net/worker_cpus.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <pthread.h>
#include <sched.h>

#include <cerrno>
#include <cstring>

namespace sc::net {

Result<std::vector<int>> allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0)
    return Error{
        fmt::format("cannot read the CPUs this process may use: {}", std::strerror(errno))};
  std::vector<int> cpus;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
    if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
  return cpus;
}

std::vector<int> plan_worker_cpus(int workers, std::span<const int> allowed, CpuAffinity mode) {
  // One worker has no sibling to share a CPU with: pinning it would only take away the
  // scheduler's freedom to move it off a busy CPU.
  if (mode == CpuAffinity::kNone || workers < 2 ||
      static_cast<std::size_t>(workers) > allowed.size())
    return {};
  return {allowed.begin(), allowed.begin() + workers};
}

Status pin_current_thread(int cpu) {
  if (cpu < 0 || cpu >= CPU_SETSIZE) return Error{fmt::format("CPU {} does not exist", cpu)};
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (int e = pthread_setaffinity_np(pthread_self(), sizeof set, &set); e != 0)
    return Error{fmt::format("cannot bind a worker thread to CPU {}: {}", cpu, std::strerror(e))};
  return ok_status();
}

std::string describe_worker_cpus(const std::vector<int>& plan, int workers,
                                 std::span<const int> allowed, CpuAffinity mode) {
  if (!plan.empty()) return fmt::format("pinned to CPUs {}", fmt::join(plan, ", "));
  if (mode == CpuAffinity::kNone) return "not pinned (--cpu-affinity none)";
  if (workers < 2) return "not pinned (one worker)";
  return fmt::format("not pinned ({} workers, {} CPU{} allowed)", workers, allowed.size(),
                     allowed.size() == 1 ? "" : "s");
}

}  // namespace sc::net
