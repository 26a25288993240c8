#pragma once
// mod_proxy_balancer's decisions (spec/apache-balancer.md §2-§4) as a pure state machine:
// no sockets, no clock of its own. The proxy transport calls choose() per request attempt
// and mark_error() when a member cannot be reached.
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "balancer/balancer_config.hpp"

namespace sc {

using SteadyTime = std::chrono::steady_clock::time_point;

struct MemberState {
  MemberConfig config;
  long long lbstatus = 0;
  long long elected = 0;
  bool in_error = false;
  SteadyTime error_time{};
};

struct Decision {
  int member = -1;  // index into members, -1 when none
  int status = 0;   // 0: forward to member; otherwise the HTTP status to answer (503)
  StickyLookup sticky;
  bool route_changed = false;  // BALANCER_ROUTE_CHANGED
  std::vector<std::string> log;  // debug lines in httpd's words
};

class BalancerCore {
 public:
  explicit BalancerCore(BalancerConfig config);

  // `url` is the percent-decoded path plus "?query"; `cookie_header` the merged Cookie header.
  Decision choose(std::string_view url, std::string_view cookie_header, SteadyTime now);
  void mark_error(int member, SteadyTime now);

  const BalancerConfig& config() const { return config_; }
  const std::vector<MemberState>& members() const { return members_; }

 private:
  bool usable(MemberState& m, SteadyTime now);
  int find_route_member(const std::string& route, SteadyTime now);
  int best_byrequests(SteadyTime now, std::vector<std::string>& log);
  void account_sticky_hit(int member, SteadyTime now);

  BalancerConfig config_;
  std::vector<MemberState> members_;
};

}  // namespace sc
