#pragma once
// The reference balancer's configuration, in mod_proxy_balancer's own terms.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "cookie/sticky_lookup.hpp"
#include "util/result.hpp"

namespace sc {

struct MemberConfig {
  std::string url;  // e.g. http://127.0.0.1:8081
  std::string host;
  std::uint16_t port = 0;
  std::string route;
  double loadfactor = 1;  // 1..100; lbfactor = loadfactor * 100
  std::chrono::seconds retry{60};

  int lbfactor() const { return static_cast<int>(loadfactor * 100 + 0.5); }
};

enum class LbMethod { kByRequests };

struct BalancerConfig {
  std::string name = "balancer://stickycheck";
  StickyConfig sticky;
  bool nofailover = false;
  bool forcerecovery = true;
  int maxattempts = -1;  // -1: httpd's default, number of members - 1
  LbMethod lbmethod = LbMethod::kByRequests;
  std::vector<MemberConfig> members;

  int effective_maxattempts() const {
    return maxattempts >= 0 ? maxattempts : static_cast<int>(members.size()) - 1;
  }
};

// Parses a BalancerMember line's parts: "URL key=value ...". Errors read like httpd's.
Result<MemberConfig> parse_member(std::string_view line);

// Applies one ProxySet-style "key=value" balancer parameter.
Status apply_balancer_param(BalancerConfig& config, std::string_view key_value);

}  // namespace sc
