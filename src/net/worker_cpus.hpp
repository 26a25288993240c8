#pragma once
// Which CPU each worker thread runs on. Two workers that the scheduler puts on one CPU take
// turns at time-slice length (milliseconds) while their connections wait, and on a machine
// whose CPUs are all busy nothing moves them apart: the keep-alive p99 doubled or tripled in
// such spells (docs/speed.md). One worker per CPU, as nginx's `worker_cpu_affinity auto` and
// HAProxy's `cpu-map` give, keeps them apart.
#include <span>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace sc::net {

enum class CpuAffinity {
  kAuto,  // one worker per CPU when there are 2 or more workers and enough CPUs
  kNone,  // the scheduler places the workers
};

// The CPUs this process may run on (sched_getaffinity), in ascending order; an error names
// the cause.
Result<std::vector<int>> allowed_cpus();

// The CPU of each worker, in worker order, or nothing (the workers are not pinned). Pure.
std::vector<int> plan_worker_cpus(int workers, std::span<const int> allowed, CpuAffinity mode);

// Binds the calling thread to `cpu`; an error names the CPU and the cause.
Status pin_current_thread(int cpu);

// "pinned to CPUs 0, 1" or "not pinned (...)": the plan as the start-up line states it.
std::string describe_worker_cpus(const std::vector<int>& plan, int workers,
                                 std::span<const int> allowed, CpuAffinity mode);

}  // namespace sc::net
