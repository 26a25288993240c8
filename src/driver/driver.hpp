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
  // Sessions whose client keeps no cookies, spread evenly over the run: with share s,
  // session i is cookieless when floor((i+1)s) > floor(is), so exactly floor(n s) of n are.
  double cookieless_share = 0;
  bool connection_per_request = false;  // a new TCP connection for every request
  // Each session connects from its own 127.A.B.C (A, B drawn from the seed, C in 1..254), so
  // that balancers hashing the client address (even by /24, as nginx ip_hash) see many.
  bool source_per_session = false;
  unsigned seed = 1;         // pauses and source addresses: a run's schedule is reproducible
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

namespace sc {

// Whether a TCP (and, for https, TLS) connection to base_url can be made within `timeout`:
// empty when it can, else libcurl's reason. For a proxy stickycheck did not start.
std::string check_reachable(const std::string& base_url, std::chrono::milliseconds timeout);

}  // namespace sc
