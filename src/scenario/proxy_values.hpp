#pragma once
// The reference balancer's sticky settings as stickycheck accepts them, wherever they are
// written (a scenario's proxy keys, or an Apache configuration it reads): the cookie name is
// watched in responses and named in reports, and the separator splits the cookie values the
// backends write, so both keep to what a cookie may hold.
#include <string>
#include <string_view>

namespace sc {

// "" when `v` is a cookie name or COOKIE|param of RFC 6265 token characters; else why not.
std::string stickysession_problem(std::string_view v);

// "" when `v` is one character a cookie value may hold, or Off; else why not.
std::string stickysessionsep_problem(std::string_view v);

}  // namespace sc
