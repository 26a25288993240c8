#pragma once
// The Caddyfile as Caddy's lexer reads it: tokens split at blanks, "..." (with \" escapes) and
// `...` grouping them, '#' starting a comment where a token would start, a newline ending a
// directive, and '{' / '}' opening and closing blocks when they stand as tokens of their own
// ("{http.request.host}" is a placeholder, not a block). Every directive keeps its line.
// Pure: text in, tree out.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace sc::caddy {

struct Directive {
  std::vector<std::string> tokens;  // the name first; quotes removed
  std::size_t line = 0;             // 1-based
  std::vector<Directive> children;  // its block, when it opens one
  bool block = false;

  const std::string& name() const;
  const std::string& arg(std::size_t i) const;  // tokens[i + 1], or ""
};

// Top level: the global options block (tokens empty, block), snippets ("(name)"), and site
// blocks (tokens: the addresses, commas removed). A file without braces is one site.
using Config = std::vector<Directive>;

// A located error ("FILE:LINE: ...") for an unclosed quote or block or a stray '}'.
Result<Config> parse(std::string_view text, std::string_view file);

// The site the run serves, the first with a reverse_proxy (else the first), and the
// `reverse_proxy` the traffic to `path` reaches in it: the one whose matcher
// (its own, or that of the handle/handle_path/route around it: a path like /api/* or a named
// @matcher with `path`) is the most specific that `path` meets, else one without a matcher,
// else (no reverse_proxy serves the path) the first.
struct ProxyChoice {
  const Directive* site = nullptr;       // null: no site block
  const Directive* proxy = nullptr;      // null: no reverse_proxy
  std::string matcher;                   // "" for none
  bool meets = false;  // `path` meets its matcher (else none did, and this is the first)
  std::vector<const Directive*> others;  // the other reverse_proxy directives
};
ProxyChoice choose_proxy(const Config& config, std::string_view path);

// The upstream addresses of a reverse_proxy (its arguments after the matcher, and `to` in its
// block), as written, with the line each stands on.
struct Upstream {
  std::string address;
  std::size_t line = 0;
};
std::vector<Upstream> upstreams_of(const Directive& proxy);

// What a reverse_proxy sticks by: its `lb_policy` when that keeps a client on one upstream
// (cookie, ip_hash, client_ip_hash, uri_hash, query, header), as written with its line; ""
// when nothing does (no lb_policy: random; round_robin, least_conn, first, random...).
std::string stickiness(const Directive& proxy);

}  // namespace sc::caddy
