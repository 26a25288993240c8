#pragma once
// The parts of each exchange that the post-run decision (auto_identify.hpp) needs, and the
// per-cookie statistics over all sessions that the behaviour rule reads. Pure.
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "identify/response_view.hpp"

namespace sc::identify {

struct NameValue {
  std::string name;
  std::string value;
};

struct ExchangeObservation {
  std::vector<NameValue> set_cookies;   // cookies this response set (deletions included)
  std::vector<NameValue> sent_cookies;  // cookies the client sent with the request
  std::vector<NameValue> headers;       // only the candidate backend headers below
};

// A session: its exchanges in the order they were sent.
using SessionObservation = std::vector<ExchangeObservation>;

// Headers that name the backend in common deployments, in order of preference. "Server" is
// a candidate only when it varies (otherwise it names the software, not the member).
inline const std::vector<std::string>& backend_header_names() {
  static const std::vector<std::string> kNames = {
      "X-Backend",  "X-Backend-Server", "X-Served-By",  "X-Server",
      "X-Upstream", "X-Upstream-Addr",  "X-Backend-Id", "X-Node",
      "X-Pod-Name", "X-Instance",       "Server"};
  return kNames;
}

// Keeps the Set-Cookie and sent cookie names/values and the candidate headers.
ExchangeObservation observe_exchange(const ResponseView& view);

// The value a cookie had for this exchange: set (non-empty) in the response, else sent.
std::optional<std::string> cookie_in_exchange(const ExchangeObservation& e, std::string_view name);

// How one cookie name behaved over the whole run.
struct CookieStats {
  std::string name;
  std::size_t sessions_seen = 0;          // sessions where it was set or sent
  std::size_t sessions_client_first = 0;  // sessions where the client sent it before any set
  std::size_t sessions_changed = 0;       // sessions where it took two non-empty values
  std::size_t exchanges_seen = 0;
  std::set<std::string> values;  // distinct non-empty values, all sessions
};

std::map<std::string, CookieStats> cookie_stats(const std::vector<SessionObservation>& sessions);

// Per candidate header: exchanges carrying it (non-empty) and its distinct values.
struct HeaderStats {
  std::string name;
  std::size_t exchanges_seen = 0;
  std::set<std::string> values;
};

std::vector<HeaderStats> header_stats(const std::vector<SessionObservation>& sessions);

std::size_t exchange_count(const std::vector<SessionObservation>& sessions);

}  // namespace sc::identify
