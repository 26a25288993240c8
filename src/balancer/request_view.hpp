#pragma once
// What the balancer reads from a request, as httpd sees it. Pure functions.
#include <string>

#include "net/http_types.hpp"

namespace sc {

// httpd merges repeated request headers with ", " when it reads them.
std::string merged_cookie_header(const net::Request& req);

}  // namespace sc
