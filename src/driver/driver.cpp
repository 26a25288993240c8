#include "driver/driver.hpp"

#include <poll.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "driver/drive_loop.hpp"
#include "driver/lean_target.hpp"

namespace sc {

namespace {

using detail::DriveClock;
using detail::DriveShared;
using detail::LoopPart;
using detail::LoopResult;

// Several parts: this thread calls the hooks (every 10 ms, and when wake_fd is readable)
// until the parts are done or should_stop answers; then it ends them.
std::string coordinate(const DriverConfig& cfg, const DriverHooks& hooks, DriveShared& shared,
                       const std::atomic<int>& running) {
  auto last_progress = DriveClock::now();
  while (running.load() > 0) {
    pollfd wake{cfg.wake_fd, POLLIN, 0};
    ::poll(&wake, cfg.wake_fd >= 0 ? 1 : 0, 10);
    DriverProgress p;
    {
      std::lock_guard hold(shared.lock);
      p = shared.progress;
    }
    const auto now = DriveClock::now();
    p.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(now - shared.t0);
    if (hooks.tick) hooks.tick(p.done, p.elapsed);
    if (hooks.progress && now - last_progress >= std::chrono::milliseconds(100)) {
      last_progress = now;
      hooks.progress(p);
    }
    if (!hooks.should_stop) continue;
    if (auto reason = hooks.should_stop(); !reason.empty()) {
      shared.stop = true;
      return reason;
    }
  }
  return "";
}

DriverOutcome run_parts(const DriverConfig& cfg, ResponseReader& reader, const DriverHooks& hooks,
                        int threads, DriveShared& shared) {
  DriverConfig part_cfg = cfg;
  part_cfg.wake_fd = -1;  // the coordinating thread watches it
  std::vector<LoopResult> results(static_cast<std::size_t>(threads));
  std::atomic<int> running{threads};
  std::vector<std::jthread> pool;
  const DriverHooks no_hooks;
  for (int t = 0; t < threads; ++t) {
    // Concurrency and rate shared out; the first parts take the remainder.
    const LoopPart part{cfg.shard_index + cfg.shard_count * t, cfg.shard_count * threads,
                        cfg.concurrency / threads + (t < cfg.concurrency % threads),
                        cfg.rate / threads, false};
    pool.emplace_back([&, t, part] {
      results[static_cast<std::size_t>(t)] =
          detail::run_drive_loop(part_cfg, reader, no_hooks, part, shared);
      --running;
    });
  }
  DriverOutcome out;
  out.stop_reason = coordinate(cfg, hooks, shared, running);
  pool.clear();  // joins
  out.stopped = !out.stop_reason.empty();
  for (const auto& r : results) {
    if (out.setup_error.empty()) out.setup_error = r.setup_error;
    if (!out.stopped && r.stopped && r.stop_reason != "stopped") {
      out.stopped = true;
      out.stop_reason = r.stop_reason;
    }
  }
  if (hooks.progress) {
    DriverProgress p = shared.progress;
    p.elapsed =
        std::chrono::duration_cast<std::chrono::microseconds>(DriveClock::now() - shared.t0);
    hooks.progress(p);
  }
  return out;
}

}  // namespace

DriverOutcome drive(const DriverConfig& config, ResponseReader& reader, const DriverHooks& hooks) {
  DriveShared shared;
  const int sessions = (config.sessions - config.shard_index + config.shard_count - 1) /
                       std::max(1, config.shard_count);
  const auto total = static_cast<std::size_t>(std::max(0, sessions)) *
                     static_cast<std::size_t>(config.requests_per_session);
  shared.progress.total = total;
  shared.records.records.reserve(total);
  shared.t0 = DriveClock::now();
  const auto started = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  const int threads = std::clamp(config.threads, 1, std::max(1, config.concurrency));
  DriverOutcome out;
  if (threads == 1) {
    const auto r = detail::run_drive_loop(
        config, reader, hooks,
        LoopPart{config.shard_index, config.shard_count, config.concurrency, config.rate, true},
        shared);
    out.stopped = r.stopped;
    out.stop_reason = r.stop_reason;
    out.setup_error = r.setup_error;
  } else {
    out = run_parts(config, reader, hooks, threads, shared);
  }
  out.client = detail::lean_client_fits(config) ? "lean" : "libcurl";
  out.records = std::move(shared.records);
  out.started_unix_us = started.count();
  return out;
}

}  // namespace sc
