#pragma once
// Drives independent cookie-keeping sessions through a URL with the lean HTTP/1.1 client or
// libcurl's multi interface (ClientEngine). A session (virtual user) has one cookie jar, used
// for all of its requests in order; up to `concurrency` sessions run at once, on one or
// several threads. What identifies the backend that answered is the ResponseReader's
// business (contract/response_reader.hpp).
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "contract/response_reader.hpp"
#include "driver/http_client.hpp"
#include "driver/records.hpp"
#include "driver/step_spec.hpp"
#include "realtime/session_protocol.hpp"

namespace sc {

// Which HTTP client carries the traffic. Automatic: the lean HTTP/1.1 client (Asio + Beast's
// parser, about twice libcurl's requests per CPU-second; docs/speed.md) for plain http://
// targets it can reach exactly as libcurl would, libcurl for the rest (https, custom headers,
// --resolve, an environment proxy).
enum class ClientEngine { automatic, libcurl };

// A socket.io session's settings. Its transport is HTTP long-polling, the client's default
// and the one that needs stickiness.
struct RealtimeConfig {
  std::string path = "/socket.io/";
  std::string event = "whoami";  // emitted with an acknowledgement id; the ack names the backend
  // Where in the acknowledgement's first argument the name is (RFC 6901, validated); empty:
  // that argument is the name (probe --identify ack:EVENT[:/POINTER]).
  std::string ack_pointer;
  SocketIoTransports transports;  // the socket.io client's option
  std::string websocket_path = "/ws";  // protocol websocket: the echo's path
};

struct DriverConfig {
  SessionProtocol protocol = SessionProtocol::kHttp;
  // A session's script (traffic.steps) instead of GETs of `paths`; `users` the rows its
  // {{user.*}} come from (session i takes row i modulo their number).
  std::vector<StepSpec> steps;
  std::vector<UserRow> users;
  // A session takes a row no session in flight holds (the lowest), instead of its index
  // modulo the rows: two sessions of one user never run at once (traffic.users_unique).
  bool users_unique = false;
  RealtimeConfig realtime;
  std::string base_url;  // scheme://host:port, no trailing slash
  // Request i of a session asks for paths[i % paths.size()] (a visit of several pages).
  std::vector<std::string> paths{"/"};
  int sessions = 1;
  // Drive only the sessions whose index is shard_index modulo shard_count (--shard): their
  // indexes, user rows, cookieless choice and seeds stay those of the whole test.
  int shard_index = 0;
  int shard_count = 1;
  int requests_per_session = 1;
  int concurrency = 1;
  // Threads, each with its own multi handle and every threads-th session (concurrency and
  // rate are shared out among them); at most `concurrency`.
  int threads = 1;
  ClientOptions client;  // timeout per request, headers, TLS, name pinning, User-Agent
  // Cookies ("a=1; b=2") in every cookie-keeping session's jar before its first request (a
  // logged-in state); the server may replace them like any other cookie.
  std::string initial_cookies;
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
  unsigned seed = 1;  // pauses and source addresses: a run's schedule is reproducible
  // Requests per second over all sessions (request starts are spaced 1/rate apart); 0: none.
  double rate = 0;
  // A 429 or 503 with Retry-After holds every session's next request until then (a live site
  // asked us to slow down); a 429 without it holds 1 s, doubling while they continue (max 30 s).
  bool honour_retry_after = false;
  // Stop after this many transport errors in a row (the target is gone); 0: never.
  int max_consecutive_transport_errors = 0;
  int wake_fd = -1;  // readable when the caller wants the loop to look at `should_stop`
  ClientEngine client_engine = ClientEngine::automatic;
};

// What the progress hook sees; every count is of requests completed so far.
struct DriverProgress {
  std::size_t done = 0;    // requests recorded (answered or failed)
  std::size_t total = 0;   // requests planned
  std::size_t errors = 0;  // transport errors plus 5xx answers
  std::size_t moves = 0;   // requests answered by another backend than the session's previous one
  std::chrono::microseconds elapsed{0};
};

struct DriverOutcome {
  RecordSet records;
  bool stopped = false;  // should_stop (or the transport error limit) ended the run early
  std::string stop_reason;
  std::string setup_error;  // the client could not be set up
  std::string client;       // which client carried the traffic: "lean" or "libcurl"
  // Wall-clock time (microseconds since the Unix epoch) of the records' time 0: shards'
  // timelines align on it.
  std::int64_t started_unix_us = 0;
};

// `tick`, when given, is called at least every 10 ms with the requests done and the time since
// the traffic began (the records' clock): disturbances fire from it.
using DriverTick = std::function<void(std::size_t done, std::chrono::microseconds elapsed)>;

// The hooks are called from one thread (the caller's), whatever the number of threads.
struct DriverHooks {
  // Polled at least every 100 ms and whenever wake_fd becomes readable; a non-empty answer
  // ends the run with that reason.
  std::function<std::string()> should_stop;
  // At most every 100 ms, and once at the end.
  std::function<void(const DriverProgress&)> progress;
  DriverTick tick;
};

DriverOutcome drive(const DriverConfig& config, ResponseReader& reader,
                    const DriverHooks& hooks = {});

}  // namespace sc
