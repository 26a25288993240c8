#pragma once
// A scenario: which backends, which proxy, what traffic, and what to expect.
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "backend/backend_options.hpp"
#include "realtime/session_protocol.hpp"
#include "driver/step_spec.hpp"

namespace sc {

// Where a key's value stands in the scenario file (1-based), for errors found after parsing.
struct SourceMark {
  int line = 1;
  int column = 1;
};

struct BackendSpec {
  BackendOptions options;  // name, route, cookies, id style, strict mode
  double weight = 1;       // the member's loadfactor (1..100)
  bool route_given = false;  // the scenario set the route (else: the name, or the apache_conf's)
  bool start = true;         // false: configured in the proxy, started by an `add` disturbance
};

// A backend a probe's answers named: known by that name alone (its route too), started by
// nobody here. A probe's scenario lists these, and so does a merge of probe shards.
inline BackendSpec observed_backend(const std::string& name) {
  BackendSpec b;
  b.options.name = b.options.route = name;
  b.start = false;
  return b;
}

// Something done to a backend (or to its member in the balancer) during the traffic.
enum class DisturbanceAction {
  kKill,     // SIGKILL: the backend is gone, its sessions with it
  kStop,     // SIGSTOP: the backend hangs (connections accepted, nothing answered)
  kResume,   // SIGCONT after stop
  kRestart,  // SIGKILL, then started again: same address, empty session store
  kAdd,      // starts a backend declared with `start: false` (a scale-out)
  kDrain,    // balancer-manager: the member takes no new sessions (+N), sticky ones stay
  kDisable,  // balancer-manager: the member takes nothing (+D)
  kEnable,   // balancer-manager: clears D and N
};
std::string_view to_string(DisturbanceAction a);

struct DisturbanceSpec {
  DisturbanceAction action = DisturbanceAction::kKill;
  std::string backend;
  // When: at a share of the requests done (0..1), or at a time since the traffic began.
  std::optional<double> at_share;
  std::optional<std::chrono::milliseconds> at_time;
  std::string at_text;  // as written, for the report ("50%", "2s")
};

struct ProxySpec {
  // reference | apache | haproxy | nginx | caddy | command | external
  std::string type = "reference";
  // For a real proxy: its configuration template (see runner/config_template.hpp); optional
  // for `command`.
  std::string config;
  // type command: the command line, each argument rendered like a template line.
  std::vector<std::string> command;
  // type external: where the proxy already listens (scheme://host:port); nothing is started.
  std::string url;
  // An Apache httpd configuration the reference balancer reads instead of the keys below;
  // its BalancerMembers, in order, are pointed at the scenario's backends.
  std::string apache_conf;
  // NAME or COOKIE|param; empty: not sticky. For a real proxy: the cookie its configuration
  // sticks with, which the diagnosis watches.
  std::string stickysession;
  std::string stickysessionsep = ".";
  bool scolonpathdelim = false;
  bool nofailover = false;
  std::string lbmethod = "byrequests";
  int maxattempts = -1;
  bool debug_log = false;
  // proxy.members: a member's address as proxy.config writes it -> the backend it stands for.
  // Empty: the configuration's members are paired with the backends in order.
  std::vector<std::pair<std::string, std::string>> members;

  // Where config, apache_conf and each command argument stand in the scenario file: the
  // resolve step (runner/scenario_resolve.hpp) reads and checks them after parsing.
  SourceMark config_mark, apache_conf_mark;
  std::vector<SourceMark> command_marks;
  // proxy.config's text, read once by the resolve step; the run renders it. The files it
  // includes are spliced in (Apache's Include): config_origins names, for each of its lines,
  // the file and line it came from (empty: every line is proxy.config's own).
  std::string config_text;
  std::vector<std::pair<std::string, std::size_t>> config_origins;
  std::vector<std::string> config_include_notes;  // "FILE:LINE: Include x: read y"

  // The cookie name part of stickysession (what the diagnosis watches).
  std::string sticky_cookie() const { return stickysession.substr(0, stickysession.find('|')); }
  // 0 when stickysessionsep is Off.
  char separator() const;
};

struct TrafficSpec {
  int sessions = 200;
  int requests_per_session = 10;
  int concurrency = 20;
  // Driver threads, each with its own sessions; 0: half this machine's CPUs (the proxy and the
  // backends under test need the rest), at least 1.
  int threads = 0;
  std::string path = "/";
  bool path_given = false;  // the scenario names traffic.path (else the proxy's site may)
  std::chrono::milliseconds request_timeout{5000};
  // Mean pause between a session's requests, each drawn from [0, 2 x pause]; 0: none.
  std::chrono::milliseconds pause{0};
  // Share of sessions whose client keeps no cookies (every request arrives without any).
  double cookieless_share = 0;
  // A new TCP connection for every request instead of keep-alive.
  bool connection_per_request = false;
  // Each session's requests come from their own address in 127.0.0.0/8 (so that balancers
  // hashing the client address see many clients) instead of all from 127.0.0.1.
  bool source_per_session = false;
  unsigned seed = 1;  // pauses, cookieless sessions and source addresses are drawn from it
  SourceMark mark;    // where traffic.sessions (or the traffic section) stands, for the runner
  // The host name the requests are for ("www.example.com"): sent as Host and used by the
  // clients' cookie rules (Domain, Path, Secure) as a browser would, while the connections
  // still go to the proxy's own address. Empty: the proxy's address is the host.
  std::string host;
  // What a session is: page requests; a socket.io client that emits requests_per_session
  // acknowledged events at socketio_path over its transports; or a plain WebSocket at
  // websocket_path whose requests_per_session messages are echoed.
  SessionProtocol protocol = SessionProtocol::kHttp;
  std::string socketio_path = "/socket.io/";
  SocketIoTransports transports;
  std::string websocket_path = "/ws";
  // A session's script instead of requests_per_session GETs of path (step_spec.hpp); empty:
  // none. requests_per_session is then the sum of the steps' repeats.
  std::vector<StepSpec> steps;
  SourceMark steps_mark;
  // users: a CSV file (a header line, one user per row) whose row i modulo the rows is session
  // i's {{user.*}}; users_unique: refuse fewer rows than concurrent sessions.
  std::string users_file;
  SourceMark users_mark;
  bool users_unique = false;
  std::vector<UserRow> users;  // users_file's rows, read by the resolve step
};

// What the distribution check expects of the first requests' spread over the backends.
enum class DistributionExpect { kFair, kUneven, kOff };

struct ExpectSpec {
  bool affinity = true;           // false: a negative control, affinity must NOT hold
  // false (a probe's `--expect losses`): only errors and session losses are judged, so a probe
  // that cannot tell the backends apart still runs.
  bool affinity_checked = true;
  double min_sticky_share = 0.999;  // with affinity: true
  double max_sticky_share = 0.5;    // with affinity: false
  long long max_session_losses = -1;  // -1: 0 when affinity is expected, unchecked otherwise
  double max_error_rate = 0;
  // kFair: the chi-square test of first requests against the weights must not reject
  // (p >= alpha); kUneven (a negative control): it must reject; kOff: reported only.
  DistributionExpect distribution = DistributionExpect::kFair;
  double alpha = 0.01;
  long long max_moves_per_session = -1;  // backend switches a session may have; -1: unchecked
  // With disturbances: what must happen to the sessions bound to a disturbed backend (empty:
  // reported, not checked), how soon moved sessions must be served again (0: not checked),
  // and how many sessions of other backends may be moved (collateral damage).
  std::string disturbed_sessions;  // stay | move | move_after_errors | fail
  std::chrono::milliseconds max_recovery{0};
  long long max_collateral = 0;
};

// A deployment stickycheck did not start (`stickycheck probe URL`, or a scenario with a
// `target:` section and no backends): its backends are real applications that know nothing of
// the backend contract, so what identifies a backend and marks a loss are given or recognised.
struct TargetSpec {
  std::string url;  // scheme://host[:port] (the probe's first path is taken out into paths)
  // Request i of a session asks for paths[i % n] (a browser session visits pages).
  std::vector<std::string> paths{"/"};
  std::vector<std::string> headers;  // "Name: value", sent with every request
  std::string cookie;                // "a=1; b=2": in every session's jar before its first request
  std::string user_agent = "stickycheck/" STICKYCHECK_VERSION;
  std::vector<std::string> identify;   // --identify specs, first match wins; empty: auto
  std::vector<std::string> lost_when;  // --lost-when specs
  std::string session_cookie;          // empty: recognise the usual names
  double rate = 20;                    // requests per second over all sessions
  long long max_requests = 2000;       // a probe that would send more refuses to start
  // Stop (an error, the partial report written) after this many transport errors in a row.
  int max_consecutive_errors = 20;
  std::string cacert;
  bool insecure = false;
  std::vector<std::string> resolve;  // HOST:PORT:ADDR
  bool http2 = true;
  bool show_addresses = false;  // print member addresses decoded from cookies (else a label)
  bool dry_run = false;         // print the plan, send nothing
};

// This run's part of the sessions (--shard I/N): those whose index is I modulo N, so that N
// runs side by side drive every session once and `merge` joins their reports.
struct ShardSpec {
  int index = 0;
  int count = 1;
  // What the shards of one run share and an earlier run's do not (--run-id: a Kubernetes Job's
  // uid), so that a merge refuses a report left over from another run.
  std::string run_id;
  bool whole() const { return count == 1; }
};

struct Scenario {
  std::string file;
  // The YAML text it was read from (a probe's, made from its options): what a merge of its
  // shards reads again, and what its fingerprint is taken of.
  std::string source;
  ShardSpec shard;
  std::string name;
  std::string description;
  // The behaviour this scenario shows, the row of the conformance matrix ("PHPSESSID as the
  // route cookie"); scenarios of one behaviour on different proxies share it.
  std::string behaviour;
  std::vector<BackendSpec> backends;
  ProxySpec proxy;
  TrafficSpec traffic;
  ExpectSpec expect;
  std::vector<DisturbanceSpec> disturbances;  // in the order they fire
  std::optional<TargetSpec> target;           // a probe: no backends, no proxy of ours
  // Each start-up step gets this much: the backends to accept connections, then the proxy.
  std::chrono::milliseconds startup_timeout{5000};
};

}  // namespace sc
