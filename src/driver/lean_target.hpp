#pragma once
// Where the lean HTTP/1.1 client sends a run's requests, worked out once per run: the
// addresses to connect to (after traffic.host's connect-to), the Host header, and the cookie
// origin. Also which runs it can take: plain http:// with nothing only libcurl knows (custom
// headers, --resolve pins, an environment proxy); the rest stays with libcurl.
#include <boost/asio/ip/tcp.hpp>
#include <string>
#include <vector>

#include "driver/driver.hpp"
#include "util/result.hpp"

namespace sc::detail {

struct LeanTarget {
  std::vector<boost::asio::ip::tcp::endpoint> endpoints;  // tried in order
  // Why there are none: every request fails with it, as with libcurl (not the run's set-up).
  std::string unresolved;
  std::string host;         // the URL's host, lower case, IPv6 without brackets (cookies)
  std::string host_header;  // "host[:port]", the port left out when it is 80 (as libcurl)
  std::string path_prefix;  // the base URL's own path, before each request's path
  bool secure_context = false;
};

// Whether the lean client can carry `config`'s traffic exactly as libcurl would.
bool lean_client_fits(const DriverConfig& config);

// Parses the base URL and resolves the address to connect to (once: a run aims at one place);
// an error when the URL has no host.
Result<LeanTarget> lean_target(const DriverConfig& config);

}  // namespace sc::detail
