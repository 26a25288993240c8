#pragma once
// A route carried as a suffix of a session or route cookie, after any separator Apache's
// stickysessionsep accepts: Tomcat's `id.node1`, WebLogic's `id!-1738296`, `id-www1`,
// `id:www1`. Found by behaviour over all sessions, for `--identify auto` (auto_identify.hpp).
// Pure.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "identify/observations.hpp"
#include "identify/session_cookies.hpp"

namespace sc::identify {

// Every character stickysessionsep accepts (a cookie octet) that is neither a letter nor a
// digit, '.' (Apache's default) first, then the common ones. '%' is left out: in a cookie
// value it starts a percent-encoded byte, never a route.
std::string_view route_separators();

// The route after the FIRST `separator`, as mod_proxy_balancer reads it. nullopt when there
// is no separator, or the rest holds no letter or digit (base64 padding such as "==").
std::optional<std::string> suffix_after(std::string_view value, char separator);

// The rule, for one cookie and one separator. Over the S sessions that saw the cookie (at
// least kMinSessionCoverage of all), every value has a route after the separator and:
// - the routes take D distinct values, 1 <= D <= max(kMaxMemberValuesFloor,
//   S / kSessionsPerMember), D < S when S >= 2, and D >= 2 unless S <= kFewSessions (the
//   thresholds of the behaviour rule, auto_identify.hpp);
// - a session cookie's part before the separator varies: at least one per session (an id);
//   a route cookie's (ROUTEID, BALANCEID) may be constant (`balancer!www1`);
// - the route stays fixed within each session while its id does: a session re-issued under a
//   new id (lost on another backend) may carry another route, but an id whose suffix changes
//   is not an id and a route.
// A UUID's dashes fail it: what follows the first dash differs in every session.
struct RouteSuffix {
  std::string cookie;
  char separator = '.';
  std::size_t routes = 0;    // D
  std::size_t sessions = 0;  // S
  bool session_cookie = false;
  bool clear = false;  // D >= 2 over more than kFewSessions sessions
};

// The cookie (session cookies by name or by `rule`, ROUTEID, BALANCEID) whose values carry a
// route by the rule above: the one seen in most sessions, ties by name; for each cookie the
// first separator of route_separators() that meets the rule.
std::optional<RouteSuffix> find_route_suffix(const std::vector<SessionObservation>& sessions,
                                             const SessionCookieRule& rule = {});

}  // namespace sc::identify
