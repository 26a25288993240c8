#pragma once
// Drives independent cookie-keeping sessions through a URL with libcurl's multi interface.
// A session (virtual user) is one easy handle, hence one cookie jar, reused for all of its
// requests in order; up to `concurrency` sessions run at once.
#include <chrono>
#include <functional>
#include <string>

#include "driver/records.hpp"

namespace sc {

struct DriverConfig {
  std::string base_url;  // scheme://host:port, no trailing slash
  std::string path = "/";
  int sessions = 1;
  int requests_per_session = 1;
  int concurrency = 1;
  std::chrono::milliseconds request_timeout{5000};
  std::string watch_cookie;  // cookie whose received value is recorded (the sticky cookie)
  // Mean pause between a session's requests (a user reading the page). Each pause is drawn
  // uniformly from [0, 2 x pause], so that sessions do not move in lockstep; 0: none.
  std::chrono::microseconds pause{0};
  unsigned seed = 1;  // for the pauses: a run's schedule is reproducible
  int wake_fd = -1;          // readable when the caller wants the loop to look at `should_stop`
};

struct DriverOutcome {
  RecordSet records;
  bool stopped = false;      // should_stop said so before all requests were done
  std::string stop_reason;
  std::string setup_error;   // libcurl could not be set up
};

// `should_stop` is polled at least every 100 ms and whenever wake_fd becomes readable;
// a non-empty answer ends the run with that reason. `progress` sees the requests done.
// `tick`, when given, is called at least every 10 ms with the requests done and the time
// since the traffic began (the records' clock): disturbances fire from it.
using DriverTick = std::function<void(std::size_t done, std::chrono::microseconds elapsed)>;
DriverOutcome drive(const DriverConfig& config,
                    const std::function<std::string()>& should_stop,
                    const std::function<void(std::size_t done, std::size_t total)>& progress,
                    const DriverTick& tick = {});

}  // namespace sc
