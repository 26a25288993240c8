#pragma once
// The reference balancer's configuration, in mod_proxy_balancer's own terms.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cookie/sticky_lookup.hpp"
#include "util/result.hpp"

namespace sc {

// Member status flags, as `status=+X` / `-X` sets and clears them.
enum MemberFlag : unsigned {
  kFlagDisabled = 1 << 0,      // D
  kFlagStopped = 1 << 1,       // S
  kFlagError = 1 << 2,         // E
  kFlagDrain = 1 << 3,         // N
  kFlagHotStandby = 1 << 4,    // H
  kFlagHotSpare = 1 << 5,      // R
  kFlagIgnoreErrors = 1 << 6,  // I
};
// "DE" style letters for a flag set, in httpd's order; "" when none.
std::string flag_letters(unsigned flags);
// The flag of one letter (either case), 0 for an unknown letter.
unsigned flag_for_letter(char letter);

struct MemberConfig {
  std::string url;  // e.g. http://127.0.0.1:8081
  std::string host;
  std::uint16_t port = 0;
  std::string path;  // the URL's path, prefixed to forwarded paths ("" for none)
  std::string route;
  // Carries WebSocket upgrades: a ws:// member (mod_proxy_wstunnel), or upgrade=websocket
  // (httpd 2.4.47's mod_proxy_http; a worker parameter, on the BalancerMember line).
  bool websocket = false;
  std::string redirect;  // route to use while this member is unusable
  double loadfactor = 1;  // 1..100; lbfactor = loadfactor * 100
  int lbset = 0;          // 0..99; lower sets are used first
  unsigned status = 0;    // MemberFlag bits set at start
  std::chrono::seconds retry{60};

  int lbfactor() const { return static_cast<int>(loadfactor * 100 + 0.5); }
};

enum class LbMethod { kByRequests, kByTraffic, kByBusyness };
const char* to_string(LbMethod m);

struct BalancerConfig {
  std::string name = "balancer://stickycheck";
  StickyConfig sticky;
  bool nofailover = false;
  bool forcerecovery = true;
  int maxattempts = -1;  // -1: httpd's default, number of members - 1
  LbMethod lbmethod = LbMethod::kByRequests;
  // The balancer-manager's nonce (ProxySet nonce=): none until set or generated at start-up,
  // "" for nonce=None (no nonce check, as httpd).
  std::optional<std::string> nonce;
  std::vector<MemberConfig> members;

  int effective_maxattempts() const {
    return maxattempts >= 0 ? maxattempts : std::max(0, static_cast<int>(members.size()) - 1);
  }
};

// Parses a BalancerMember's parts: "URL key=value ...". Errors read like httpd's.
Result<MemberConfig> parse_member(std::string_view line);
Status apply_member_param(MemberConfig& m, std::string_view key, std::string_view value);

// Applies one ProxySet-style "key=value" balancer parameter.
Status apply_balancer_param(BalancerConfig& config, std::string_view key_value);

}  // namespace sc
