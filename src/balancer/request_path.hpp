#pragma once
// The request path the way httpd sees it before ProxyPass and <Location> are matched (core's
// ap_normalize_path then ap_unescape_url, MergeSlashes On, AllowEncodedSlashes Off), and
// httpd's prefix match (mod_proxy's alias_match). Matching the raw target instead lets
// `/%70rivate`, `//private` or `/x/../private` past `ProxyPass /private !`.
#include <cstddef>
#include <string>
#include <string_view>

namespace sc {

struct RequestPath {
  std::string encoded;  // normalised, escapes kept (bar unreserved ones): what is forwarded
  std::string decoded;  // what ProxyPass and <Location> prefixes are matched against
  unsigned refuse = 0;  // 0, or the status httpd refuses the path with (400 or 404)
  std::string reason;   // why it was refused, for the answer and the log
};

// `path` is the target's path (before any '?'). Refused like httpd: a path not starting with
// '/', a bad escape or a ".." above the root is 400; an encoded '/' or NUL is 404.
RequestPath normalise_request_path(std::string_view path);

// How many characters of `path` the prefix matches, 0 when it does not: runs of '/' match
// runs of '/', and the match ends at a segment boundary unless the prefix ends with '/'
// (`/private` matches `/private` and `/private/x`, not `/privateer`).
std::size_t match_path_prefix(std::string_view path, std::string_view prefix);

// Percent-encodes a decoded path for the member, as mod_proxy re-encodes r->uri: letters,
// digits, '/' and ~$-_.+!*'(),;:@&= stay, every other byte becomes %XX.
std::string encode_path(std::string_view decoded);

}  // namespace sc
