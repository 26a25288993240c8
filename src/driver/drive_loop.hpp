#pragma once
// One thread's part of a drive(): its own client (the lean one's io_context, or a libcurl multi
// handle and epoll set) and sessions (every `stride`-th from `first_session`). Internal to the
// driver (driver.cpp starts the parts).
#include <atomic>
#include <chrono>
#include <mutex>
#include <string>

#include "driver/driver.hpp"

namespace sc::detail {

using DriveClock = std::chrono::steady_clock;

// What the parts of one run share. Under `lock`: the reader (readers keep tallies and are not
// thread-safe), the records and the progress counts; one lock per response, held for the
// reader's look at it and the record's append.
struct DriveShared {
  std::mutex lock;
  RecordSet records;
  // users_unique: which users file rows a session in flight holds (under `lock`).
  std::vector<bool> users_in_flight;
  DriverProgress progress;
  std::atomic<bool> stop{false};  // the coordinating thread ends every part
  DriveClock::time_point t0;      // the records' clock
};

struct LoopPart {
  int first_session = 0;
  int stride = 1;
  int concurrency = 1;
  double rate = 0;
  // The only part calls the hooks itself; with several, the coordinating thread does.
  bool calls_hooks = true;
};

struct LoopResult {
  bool stopped = false;
  std::string stop_reason;
  std::string setup_error;
};

LoopResult run_drive_loop(const DriverConfig& cfg, ResponseReader& reader, const DriverHooks& hooks,
                          const LoopPart& part, DriveShared& shared);

}  // namespace sc::detail
