#pragma once
// The reference balancer's balancer-manager: the data of Apache's page as JSON, and run-time
// changes of a member's status flags. Pure functions over the balancers; the proxy serves
// them where the configuration enables the manager (<Location> SetHandler balancer-manager,
// or --manager PATH), to the clients its Require lines grant.
#include <string_view>
#include <vector>

#include "balancer/balancer_core.hpp"
#include "balancer/site_config.hpp"
#include "net/http_types.hpp"

namespace sc {

// Where the runner enables the manager of the reference balancers it starts.
inline constexpr std::string_view kManagerPath = "/.stickycheck/balancer-manager";

// GET: the state of every balancer and member, each balancer with its nonce. POST with a
// query `b=BALANCER&w=MEMBER&nonce=NONCE&set=FLAGS&clear=FLAGS&lf=LOADFACTOR&ls=LBSET`
// (MEMBER: its URL or route; FLAGS: letters of D S E N H R I; LOADFACTOR 1..100 and LBSET
// 0..99 as in the configuration; b may be left out when there is one balancer) changes a
// member, all or nothing, then answers the new state. A change needs the balancer's nonce (unless
// it is None) and an Origin or Referer of the Host it was sent to; every request needs a Host that
// is an IP address or localhost. Errors are 400, 403 or 405 with a one-line reason.
net::Response handle_manager(std::vector<BalancerCore>& balancers, const net::Request& req);

// handle_manager for a client the manager's Require lines grant; 403 for any other.
net::Response serve_manager(const ManagerConfig& manager, std::vector<BalancerCore>& balancers,
                            const net::Request& req, const net::Connection& client);

}  // namespace sc
