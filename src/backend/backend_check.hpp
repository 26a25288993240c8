#pragma once
// The mock backend's options as both its command line and a scenario's `backends:` check them:
// everything the backend writes into a header (cookie names, routes, the id separator, the
// route cookie) is limited to the characters that place allows, so no option can add a header
// or a proxy directive; the store's bounds must be usable.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backend/backend_options.hpp"

namespace sc {

inline constexpr std::size_t kMaxRouteLength = 64;
inline constexpr std::size_t kMaxSessionMax = 100'000'000;

struct OptionProblem {
  std::string key;      // the scenario's key (session_cookie, route...)
  std::string message;  // what was expected, and what was given
};

// A route goes into cookie values and into every proxy's configuration, so it keeps to the
// RFC 6265 token characters that none of Apache, HAProxy, nginx or Caddy gives a meaning
// (no '#', '$', quotes...): letters, digits, '-', '_', '.', '~'; at most kMaxRouteLength.
bool is_route(std::string_view route);

// A path the backend serves (socket.io's, the WebSocket echo's): it goes into proxy
// configurations too, so it keeps to letters, digits and '/', '-', '.', '_', '~', at most 256.
bool is_plain_path(std::string_view path);
// What a path that is not plain gets told: "expected a path such as EXAMPLE (...), got '...'".
std::string plain_path_error(std::string_view example, std::string_view got);

// RFC 6265 cookie-octet: what a cookie value may hold unquoted.
bool is_cookie_octet(char c);

// "1440s", "30m", "8h", "2d", "500ms": more than 0, at most 365 days; nullopt otherwise.
std::optional<std::chrono::milliseconds> parse_session_lifetime(std::string_view text);

// Every problem of `o`, in the order of the keys; empty when the backend can serve with it.
// An empty name or route is not checked (a default not yet filled in).
std::vector<OptionProblem> check_backend_options(const BackendOptions& o);

}  // namespace sc
