#pragma once
// The `--identify SPEC` and `--lost-when SPEC` options of `stickycheck probe`, parsed into
// values. Pure: errors are values that quote the option and say what was expected.
//
//   --identify header:NAME        a response header's value
//   --identify cookie:NAME        a cookie's value (set in the response, else the one sent)
//   --identify cookie:NAME:SEP    the route part after the first SEP (Apache `.route`), e.g.
//                                 cookie:ROUTEID:. or cookie:JSESSIONID:.
//   --identify json:/POINTER      RFC 6901 pointer into a JSON body, e.g. json:/backend
//   --identify regex:PATTERN      first capture group of an ECMAScript regex over the body
//   --identify auto               recognise balancer cookies and backend headers after the run
//   --identify ack:EVENT          socket.io sessions (--protocol socket.io): each request emits
//                                 EVENT with an acknowledgement; its first argument, a string,
//                                 names the backend
//   --identify ack:EVENT:/POINTER the same, the name at an RFC 6901 pointer into that argument
//
//   --lost-when json:/POINTER=VALUE   the JSON value at POINTER equals VALUE (json:/new=true)
//   --lost-when regex:PATTERN         the body matches PATTERN
//   --lost-when header:NAME=VALUE     header NAME equals VALUE (after trimming blanks)
//   --lost-when status:CODE           the answer's status is CODE (401)
//   --lost-when redirect:PATH         a redirect (3xx) whose Location's path is PATH (/login)
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace sc::identify {

enum class IdentifyKind { header, cookie, json, regex, automatic, ack };

struct IdentifySpec {
  IdentifyKind kind = IdentifyKind::automatic;
  std::string text;                           // the spec as given: names the source in the report
  std::string name;                           // header or cookie name; ack: the event
  std::optional<char> route_separator;        // cookie: take the part after the first separator
  std::string pointer;  // json, ack: validated RFC 6901 pointer (ack: may be empty)
  std::shared_ptr<const std::regex> pattern;  // regex: compiled, at least one capture group
};

enum class LostWhenKind { json_equals, regex, header_equals, status_equals, redirect_to };

struct LostWhenSpec {
  LostWhenKind kind = LostWhenKind::regex;
  std::string text;
  std::string name;      // header name
  std::string pointer;   // json pointer
  std::string expected;  // VALUE after '='; status: the code; redirect: the path'
  std::shared_ptr<const std::regex> pattern;
};

Result<IdentifySpec> parse_identify_spec(std::string_view spec);
// Several --identify options, first match wins. `auto` may only come last: it decides after
// the run what the explicit sources before it leave unidentified. No option means `auto`.
Result<std::vector<IdentifySpec>> parse_identify_specs(const std::vector<std::string>& specs);

Result<LostWhenSpec> parse_lost_when_spec(std::string_view spec);
Result<std::vector<LostWhenSpec>> parse_lost_when_specs(const std::vector<std::string>& specs);

// The ack:EVENT spec among `specs` (socket.io sessions name their backend this way), if any.
const IdentifySpec* find_ack_spec(const std::vector<IdentifySpec>& specs);

// RFC 6901: "" or '/'-separated reference tokens where '~' is followed by '0' or '1' only.
bool is_json_pointer(std::string_view pointer);

}  // namespace sc::identify
