#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sc {

// C-locale isspace, as httpd uses it when scanning Cookie headers.
inline bool is_c_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// ASCII lower case without the locale lookup std::tolower makes (hot paths: header names).
inline char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

std::string_view trim(std::string_view s);
// RFC 9110 token: a header field or cookie name (non-empty; letters, digits, !#$%&'*+-.^_`|~).
bool is_http_token(std::string_view s);
std::string to_lower(std::string_view s);  // ASCII only, as httpd compares names
// ASCII case-insensitive equality (cookie domains, attribute names), without a copy.
bool iequals(std::string_view a, std::string_view b);
// The whole file as bytes; nullopt when it cannot be read.
std::optional<std::string> read_text_file(const std::string& path);
std::vector<std::string_view> split(std::string_view s, char sep);
bool parse_int(std::string_view s, long long& out);
bool parse_double(std::string_view s, double& out);

// Levenshtein distance, for "did you mean" hints.
std::size_t edit_distance(std::string_view a, std::string_view b);
// The candidate closest to `word` if it is close enough to be a likely typo, else "".
// "500ms", "1.5s": at least 0, at most an hour; nullopt otherwise.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

// `s` safe to print in a message: control characters as \r, \n, \t or \xNN, nothing else changed.
std::string printable(std::string_view s);

// `s` safe to write to a terminal: escape sequences (ESC and 8-bit CSI, OSC, DCS... with
// their parameters and strings) and C0/C1 control characters removed, tabs kept, bytes that
// are not UTF-8 shown as '?'. For text from outside (scenario names, server headers and
// bodies, logs) that could otherwise move the cursor, recolour, retitle or hide output.
std::string terminal_safe(std::string_view s);

// The host of scheme://host[:port]/..., without brackets or port; "" when there is none.
std::string url_host(std::string_view url);

// How a choice's value is compared, so that the command line and the YAML accept the same
// spellings: '-' and '_' are the same ("session-start" is "session_start").
std::string choice_key(std::string_view value);

// A DNS name or IPv4 address as a URL's host: dot-separated labels of letters, digits and
// '-', none empty, at most 253 characters (no scheme, port or path).
bool valid_host_name(std::string_view host);

// Percent-decodes %XX sequences; invalid sequences are kept as they are.
std::string percent_decode(std::string_view s);

}  // namespace sc
