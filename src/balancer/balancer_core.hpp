#pragma once
// mod_proxy_balancer's decisions (spec/apache-balancer.md §2-§4) as a pure state machine:
// no sockets, no clock of its own. The proxy transport calls choose() per request attempt,
// connect_failed() when a member cannot be reached and finished() when a request is done.
#include <fmt/core.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "balancer/balancer_config.hpp"

namespace sc {

using SteadyTime = std::chrono::steady_clock::time_point;

struct MemberState {
  MemberConfig config;
  unsigned status = 0;  // MemberFlag bits
  SteadyTime error_time{};
  long long lbstatus = 0;
  long long elected = 0;
  long long busy = 0;         // requests in flight
  long long transferred = 0;  // request body bytes sent to the member
  long long read = 0;         // response body bytes read from the member
};

struct Decision {
  int member = -1;  // index into members, -1 when none
  int status = 0;   // 0: forward to member; otherwise the HTTP status to answer (503)
  StickyLookup sticky;
  bool route_changed = false;    // BALANCER_ROUTE_CHANGED
  std::vector<std::string> log;  // debug lines in httpd's words
};

// Where the debug lines go: formatting them costs more than the decision itself, so nothing
// is formatted unless they are wanted.
class DebugLog {
 public:
  explicit DebugLog(std::vector<std::string>* out) : out_(out) {}
  template <class... Args>
  void add(fmt::format_string<Args...> format, Args&&... args) {
    if (out_) out_->push_back(fmt::format(format, std::forward<Args>(args)...));
  }

 private:
  std::vector<std::string>* out_;
};

class BalancerCore {
 public:
  explicit BalancerCore(BalancerConfig config);

  // `url` is the percent-decoded path plus "?query"; `cookie_header` the merged Cookie header.
  // The decision's log is filled only when `debug` is set.
  Decision choose(std::string_view url, std::string_view cookie_header, SteadyTime now,
                  bool debug = true);
  // The same with the sticky value already looked up (find_sticky over config().sticky): the
  // lookup reads only the request and the configuration, so the proxy does it outside the
  // lock that guards the state.
  Decision choose(StickyLookup sticky, SteadyTime now, bool debug = true);
  // The member refused the connection: in error (unless it ignores errors). Returns the log line.
  std::string connect_failed(int member, SteadyTime now);
  void finished(int member, long long bytes_sent, long long bytes_read);
  bool usable(int member) const;

  // Run-time changes (status endpoint): sets and clears flags.
  void set_flags(int member, unsigned set, unsigned clear);
  // Run-time changes (balancer-manager): a member's load factor (1..100) and lbset (0..99),
  // checked by the caller as the configuration's own values are.
  void set_weights(int member, double loadfactor, int lbset);

  const BalancerConfig& config() const { return config_; }
  const std::vector<MemberState>& members() const { return members_; }

 private:
  static bool is_usable(const MemberState& m);
  void retry(MemberState& m, SteadyTime now, DebugLog& log);
  void force_recovery(SteadyTime now, DebugLog& log);
  int find_route_member(const std::string& route, SteadyTime now, int recursion, DebugLog& log);
  int best_member(SteadyTime now, DebugLog& log);
  bool is_best(MemberState& current, int prev_best, long long& baton);
  void account_sticky_hit(int member);

  BalancerConfig config_;
  std::vector<MemberState> members_;
};

}  // namespace sc
