#pragma once
// `--identify auto`: after the run, decide over ALL sessions what tells backends apart, and
// give every request its identity. Deterministic: the same observations always give the
// same decision. Pure.
//
// Order of preference:
//   1. a catalogue cookie whose values name members (balancer_cookies.hpp)   confidence high
//   2. a route after any separator in a session or route cookie, the rule
//      of route_suffix.hpp met clearly                                       confidence high
//   3. a header that names the backend (observations.hpp; never a cache's)  confidence high
//   4. that route rule met on few sessions or one route                      confidence medium
//   5. an unknown cookie that behaves like a routing cookie (below)         confidence medium
//   6. nothing: the probe says so and names the --identify options          confidence none
// Then a finer source may take over (finer_identity.hpp): a header or another catalogue
// cookie that splits what the chosen one keeps together names the backends instead.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "identify/balancer_cookies.hpp"
#include "identify/observations.hpp"
#include "identify/session_cookies.hpp"

namespace sc::identify {

// Behaviour rule for a cookie outside the catalogue (and not a session cookie by name): set
// by a response before the client ever sent it, never two values within one session, seen in
// at least kMinSessionCoverage of the sessions, and D distinct values over the S sessions
// that saw it with 1 <= D <= max(kMaxMemberValuesFloor, S / kSessionsPerMember), D != S when
// S >= 2 (one value per session is a session id), and D >= 2 unless S <= kFewSessions.
// Thresholds: a routing cookie takes about as many values as there are members; a session
// id one value per session.
// - Up to 8 distinct values are always plausible as members (small pools), and in large runs
//   up to one value per 4 sessions (a pool that large still gets >= 4 sessions per member
//   on average, while a session id would show ~1 value per session).
inline constexpr std::size_t kMaxMemberValuesFloor = 8;
inline constexpr std::size_t kSessionsPerMember = 4;
// With this few sessions one distinct value may just mean all landed on one member.
inline constexpr std::size_t kFewSessions = 8;
// A routing cookie is set for (nearly) every new session: it must appear in at least half of
// them, so a cookie set only on some pages is not mistaken for one.
inline constexpr double kMinSessionCoverage = 0.5;
// A backend header must be on at least half of the responses (error pages from the balancer
// itself often lack it).
inline constexpr double kMinHeaderCoverage = 0.5;

// json_field: only ever a finer source over another one (finer_identity.hpp).
enum class AutoSourceKind {
  none,
  catalogue_cookie,
  route_suffix,
  header,
  behaviour_cookie,
  json_field
};
enum class Confidence { none, medium, high };

enum class AutoFactKind {
  stickiness_on_member_unknown,  // e.g. AWSALB: affinity is on, the member is unknowable
  route_cookie_without_route,    // ROUTEID/BALANCEID values without ".route"
  session_cookie_without_route,  // no affinity cookie; the session cookie carries no route
  no_affinity_cookie,            // no cookie looks like an affinity cookie at all
  few_sessions,                  // a behaviour decision on few sessions
  single_identity,               // the chosen source showed one value across all sessions
  cache_headers_only,            // the only headers that varied were a cache's or CDN's
  finer_source,                  // another source split sessions the chosen one kept together
  nothing_identifies,            // no source: affinity cannot be judged
};

struct AutoFact {
  AutoFactKind kind;
  std::string subject;  // the cookie or header concerned, may be empty
  std::string text;     // one sentence for the report
};

// The source preferred first, when a finer one took over from it: its values group the
// identities ("svc1" holds "pod1a" and "pod1b").
struct CoarserSource {
  AutoSourceKind kind = AutoSourceKind::none;
  std::string name;
  std::string source;
};

struct AutoIdentification {
  AutoSourceKind kind = AutoSourceKind::none;
  std::string name;    // the cookie, header or JSON field chosen; empty for none
  char separator = 0;  // route_suffix: the separator the route follows
  std::string source;  // "cookie:ROUTEID (Apache route)", "header:X-Backend", ...
  Confidence confidence = Confidence::none;
  std::string reason;  // one sentence
  // identities[s][e]: the backend of exchange e of session s, nullopt when unknown.
  std::vector<std::vector<std::optional<std::string>>> identities;
  std::vector<AutoFact> facts;
  std::optional<CoarserSource> within;  // set when a finer source named the backends
};

// Stable snake_case names for reports (JSON keys, never shown translated).
constexpr std::string_view to_string(AutoSourceKind k) {
  switch (k) {
    case AutoSourceKind::catalogue_cookie:
      return "catalogue_cookie";
    case AutoSourceKind::route_suffix:
      return "route_suffix";
    case AutoSourceKind::header:
      return "header";
    case AutoSourceKind::behaviour_cookie:
      return "behaviour_cookie";
    case AutoSourceKind::json_field:
      return "json_field";
    case AutoSourceKind::none:
      break;
  }
  return "none";
}

constexpr std::string_view to_string(Confidence c) {
  switch (c) {
    case Confidence::high:
      return "high";
    case Confidence::medium:
      return "medium";
    case Confidence::none:
      break;
  }
  return "none";
}

constexpr std::string_view to_string(AutoFactKind k) {
  switch (k) {
    case AutoFactKind::stickiness_on_member_unknown:
      return "stickiness_on_member_unknown";
    case AutoFactKind::route_cookie_without_route:
      return "route_cookie_without_route";
    case AutoFactKind::session_cookie_without_route:
      return "session_cookie_without_route";
    case AutoFactKind::no_affinity_cookie:
      return "no_affinity_cookie";
    case AutoFactKind::few_sessions:
      return "few_sessions";
    case AutoFactKind::single_identity:
      return "single_identity";
    case AutoFactKind::cache_headers_only:
      return "cache_headers_only";
    case AutoFactKind::finer_source:
      return "finer_source";
    case AutoFactKind::nothing_identifies:
      break;
  }
  return "nothing_identifies";
}

// `session_rule`: the probe's --session-cookie, a session cookie besides the names known.
AutoIdentification auto_identify(const std::vector<SessionObservation>& sessions,
                                 const CatalogueOptions& options = {},
                                 const SessionCookieRule& session_rule = {});

}  // namespace sc::identify
