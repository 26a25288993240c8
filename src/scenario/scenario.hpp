#pragma once
// A scenario: which backends, which proxy, what traffic, and what to expect.
#include <chrono>
#include <string>
#include <vector>

#include "backend/backend_options.hpp"

namespace sc {

struct BackendSpec {
  BackendOptions options;  // name, route, cookies, id style, strict mode
  double weight = 1;       // the member's loadfactor (1..100)
  bool route_given = false;  // the scenario set the route (else: the name, or the apache_conf's)
};

struct ProxySpec {
  std::string type = "reference";
  // An Apache httpd configuration the reference balancer reads instead of the keys below;
  // its BalancerMembers, in order, are pointed at the scenario's backends.
  std::string apache_conf;
  std::string stickysession;  // NAME or COOKIE|param; empty: not sticky
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
};

struct ExpectSpec {
  bool affinity = true;           // false: a negative control, affinity must NOT hold
  double min_sticky_share = 0.999;  // with affinity: true
  double max_sticky_share = 0.5;    // with affinity: false
  long long max_session_losses = -1;  // -1: 0 when affinity is expected, unchecked otherwise
  double max_error_rate = 0;
  bool distribution = true;  // chi-square test of first requests against the weights
  double alpha = 0.01;       // the test fails when p < alpha
};

struct Scenario {
  std::string file;
  std::string name;
  std::string description;
  std::vector<BackendSpec> backends;
  ProxySpec proxy;
  TrafficSpec traffic;
  ExpectSpec expect;
  std::chrono::milliseconds startup_timeout{5000};
};

}  // namespace sc
