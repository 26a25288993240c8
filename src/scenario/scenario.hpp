#pragma once
// A scenario: which backends, which proxy, what traffic, and what to expect.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "backend/backend_options.hpp"

namespace sc {

struct BackendSpec {
  BackendOptions options;  // name, route, cookies, id style, strict mode
  double weight = 1;       // the member's loadfactor (1..100)
  bool route_given = false;  // the scenario set the route (else: the name, or the apache_conf's)
  bool start = true;         // false: configured in the proxy, started by an `add` disturbance
};

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
  std::string type = "reference";  // reference | haproxy
  // For a real proxy: its configuration template (see runner/config_template.hpp).
  std::string config;
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

  // The cookie name part of stickysession (what the diagnosis watches).
  std::string sticky_cookie() const { return stickysession.substr(0, stickysession.find('|')); }
  // 0 when stickysessionsep is Off.
  char separator() const;
};

struct TrafficSpec {
  int sessions = 200;
  int requests_per_session = 10;
  int concurrency = 20;
  std::string path = "/";
  std::chrono::milliseconds request_timeout{5000};
  // Mean pause between a session's requests, each drawn from [0, 2 x pause]; 0: none.
  std::chrono::milliseconds pause{0};
};

struct ExpectSpec {
  bool affinity = true;           // false: a negative control, affinity must NOT hold
  double min_sticky_share = 0.999;  // with affinity: true
  double max_sticky_share = 0.5;    // with affinity: false
  long long max_session_losses = -1;  // -1: 0 when affinity is expected, unchecked otherwise
  double max_error_rate = 0;
  bool distribution = true;  // chi-square test of first requests against the weights
  double alpha = 0.01;       // the test fails when p < alpha
  // With disturbances: what must happen to the sessions bound to a disturbed backend (empty:
  // reported, not checked), how soon moved sessions must be served again (0: not checked),
  // and how many sessions of other backends may be moved (collateral damage).
  std::string disturbed_sessions;
  std::chrono::milliseconds max_recovery{0};
  long long max_collateral = 0;
};

struct Scenario {
  std::string file;
  std::string name;
  std::string description;
  std::vector<BackendSpec> backends;
  ProxySpec proxy;
  TrafficSpec traffic;
  ExpectSpec expect;
  std::vector<DisturbanceSpec> disturbances;  // in the order they fire
  std::chrono::milliseconds startup_timeout{5000};
};

}  // namespace sc
