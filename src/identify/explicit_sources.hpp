#pragma once
// Applies the user's --identify and --lost-when specs to one exchange. Pure and total: a
// missing header, an absent cookie, a body that is not JSON or does not match is "no match",
// never an error or a crash.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "identify/identify_spec.hpp"
#include "identify/response_view.hpp"

namespace sc::identify {

// std::regex (libstdc++) recurses once per character it consumes (about 1 KiB of stack per
// character in unoptimised builds), so "(.*)" over a large body overflows the stack. Regex
// sources therefore read the first 64 KiB of the body line by line, each line cut at 2 KiB
// (about 2 MiB of stack at worst, well inside a default 8 MiB stack). ECMAScript '.' never
// matches a newline, so only patterns that spell out '\n' see a difference.
inline constexpr std::size_t kMaxRegexBodyBytes = 64 * 1024;
inline constexpr std::size_t kMaxRegexLineBytes = 2 * 1024;
// An identity names a backend; anything longer is not a name (and would bloat the report).
inline constexpr std::size_t kMaxIdentityBytes = 256;

struct IdentityMatch {
  std::string identity;
  std::size_t spec_index = 0;  // which spec matched, in the order given
  std::string source;          // that spec's text, e.g. "header:X-Backend"
};

// First spec that yields a non-empty identity wins. `auto` specs are skipped here: the
// automatic decision needs the whole run (auto_identify.hpp).
std::optional<IdentityMatch> identify_exchange(const std::vector<IdentifySpec>& specs,
                                               const ResponseView& view);

// An identity in a JSON text (a socket.io acknowledgement's arguments): the first element of
// its array when `pointer` is empty and that is a string, else the scalar at the validated
// RFC 6901 `pointer` in that first element; none when absent, empty or over kMaxIdentityBytes.
std::optional<std::string> identity_in_json_args(std::string_view json_array,
                                                 std::string_view pointer);

// What a step's capture reads (traffic.steps): as apply_identify_spec, but a value may be as
// long as kMaxCaptureBytes (a JWT, a view state), not only a name's length.
inline constexpr std::size_t kMaxCaptureBytes = 64 * 1024;
std::optional<std::string> apply_capture_spec(const IdentifySpec& spec, const ResponseView& view);

// The value one spec reads from the exchange, if any.
std::optional<std::string> apply_identify_spec(const IdentifySpec& spec, const ResponseView& view);

// Index of the first --lost-when spec whose signal is present, if any.
std::optional<std::size_t> first_lost_signal(const std::vector<LostWhenSpec>& specs,
                                             const ResponseView& view);
// True when any --lost-when spec signals that the application started a new session.
bool lost_by_app_signal(const std::vector<LostWhenSpec>& specs, const ResponseView& view);

}  // namespace sc::identify
