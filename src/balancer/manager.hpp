#pragma once
// The reference balancer's balancer-manager: the data of Apache's page as JSON, and run-time
// changes of a member's status flags. Pure functions over the balancers; the proxy serves
// them at kManagerPath on its own listener.
#include <string_view>
#include <vector>

#include "balancer/balancer_core.hpp"
#include "net/http_types.hpp"

namespace sc {

inline constexpr std::string_view kManagerPath = "/.stickycheck/balancer-manager";

// GET: the state of every balancer and member. POST with a query
// `b=BALANCER&w=MEMBER&set=FLAGS&clear=FLAGS` (MEMBER: its URL or route; FLAGS: letters of
// D S E N H R I; b may be left out when there is one balancer) changes a member, then answers
// the new state. Errors are 400 (or 405) with a one-line reason.
net::Response handle_manager(std::vector<BalancerCore>& balancers, const net::Request& req);

}  // namespace sc
