#pragma once
// The fields a reverse proxy rewrites on the way through, as mod_proxy_http does with its
// defaults (ProxyAddHeaders On, ProxyPreserveHost Off). Pure functions.
#include <optional>
#include <string>
#include <string_view>

#include "net/http_types.hpp"

namespace sc {

// Removes the hop-by-hop fields (RFC 9110 7.6.1): the fixed list and every field the
// Connection field names, then Connection itself.
void strip_hop_by_hop(net::http::fields& fields);

struct ForwardContext {
  std::string_view client_ip;    // the peer's address, for X-Forwarded-For
  std::string_view server_name;  // ServerName, for X-Forwarded-Server
};

// The member's authority as httpd sends it in Host: the port only when not the default 80,
// an IPv6 literal in brackets.
std::string member_authority(std::string_view host, unsigned port);

// Makes the client's request the member's: hop-by-hop fields removed, X-Forwarded-For/-Host/
// -Server appended to what came in, as httpd appends ("a, b"). Host is left to the caller: it
// names the member (member_authority), which may change between attempts.
void rewrite_forwarded_request(net::Request& req, const ForwardContext& ctx);

// A request target split as RFC 9112 3.2 reads it. The absolute form
// ("http://host:port/path?q") gives its authority, which replaces the Host field.
struct TargetParts {
  std::string_view authority;  // empty unless absolute-form
  std::string_view path;       // starts with '/'
  std::string_view query;      // with its '?', or empty
};
// nullopt: neither origin-form nor an http(s) absolute-form (e.g. "*", "host:443", "ftp://").
std::optional<TargetParts> split_target(std::string_view target);

}  // namespace sc
