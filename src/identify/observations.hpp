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
  std::vector<NameValue> headers;       // only the candidate backend and cache headers below
  std::vector<NameValue> json_fields;   // a JSON object body's fields named below, as text
};

// A session: its exchanges in the order they were sent.
using SessionObservation = std::vector<ExchangeObservation>;

// Headers that name the backend in common deployments, in order of preference. "Server" is
// a candidate only when it varies (otherwise it names the software, not the member).
// X-Served-By is not one: Fastly and Varnish set it to the cache node that answered.
inline const std::vector<std::string>& backend_header_names() {
  static const std::vector<std::string> kNames = {
      "X-Backend",    "X-Backend-Server", "X-Server",   "X-Upstream", "X-Upstream-Addr",
      "X-Backend-Id", "X-Node",           "X-Pod-Name", "X-Instance", "Server"};
  return kNames;
}

// Top-level fields of a JSON body that name the backend in common applications (a status or
// debug endpoint's "hostname", a pod's "pod"), in order of preference. Read only to check
// whether they split what the chosen source keeps together (finer_identity.hpp).
inline const std::vector<std::string>& backend_json_field_names() {
  static const std::vector<std::string> kNames = {"backend",  "server", "hostname", "host",
                                                  "node",     "pod",    "instance", "served_by",
                                                  "worker"};
  return kNames;
}

// Headers a cache or CDN node sets: they vary with the node or the request, never with the
// backend, so they are never taken as the backend's identity, only named when they were the
// only headers that varied.
struct CacheHeader {
  std::string name;
  std::string what;  // what it names instead, for a sentence
};
const std::vector<CacheHeader>& cache_headers();
std::vector<std::string> cache_header_names();

// Keeps the Set-Cookie and sent cookie names/values, the candidate and cache headers, and the
// candidate JSON fields (strings and numbers) of a body that is a JSON object.
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

// Per header of `names`: exchanges carrying it (non-empty) and its distinct values.
struct HeaderStats {
  std::string name;
  std::size_t exchanges_seen = 0;
  std::set<std::string> values;
};

// The same over the candidate JSON fields (json_fields), under the names given.
std::vector<HeaderStats> json_field_stats(const std::vector<SessionObservation>& sessions);

std::vector<HeaderStats> header_stats(
    const std::vector<SessionObservation>& sessions,
    const std::vector<std::string>& names = backend_header_names());

std::size_t exchange_count(const std::vector<SessionObservation>& sessions);

}  // namespace sc::identify
