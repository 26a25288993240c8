#pragma once
// mod_authz_core's Require for the client address, as far as the reference balancer models
// it: `Require local`, `Require ip ADDRESS...` (full addresses, partial IPv4 such as `10.1`,
// and ADDRESS/BITS or ADDRESS/NETMASK), `Require all granted|denied`. Several Require lines
// grant access when any of them does (httpd's implicit <RequireAny>).
#include <boost/asio/ip/address.hpp>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace sc {

struct AddressRange {
  boost::asio::ip::address network;
  unsigned prefix_bits = 0;
};

struct AccessRule {
  enum class Kind { kAllGranted, kAllDenied, kLocal, kIp };
  Kind kind = Kind::kAllDenied;
  std::vector<AddressRange> ranges;  // kIp
};

// The words after "Require", e.g. {"ip", "10.1", "192.168.0.0/16"}. Anything not modelled is
// an error: an access rule that is silently skipped would let everyone in.
Result<AccessRule> parse_require(const std::vector<std::string>& words);

// Whether a client at `remote`, connected to our `local` address, is granted access. `local`
// means loopback or the server's own address, as httpd has it.
bool access_granted(const std::vector<AccessRule>& rules, const boost::asio::ip::address& remote,
                    const boost::asio::ip::address& local);

}  // namespace sc
