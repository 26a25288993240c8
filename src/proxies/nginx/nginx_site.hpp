#pragma once
// The site an nginx configuration serves, as a run needs it: its server blocks (listens,
// names, what each passes to and whether it only redirects), the pools (upstreams) the
// served locations name and their members, and whether the site is spoken to over TLS.
// Pure: a parsed Config in, pointers into it out (the Config must outlive the Site).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "proxies/nginx/nginx_syntax.hpp"

namespace sc::nginx {

// A `location` of a server block (or the block itself, for a pass outside any location).
struct Location {
  std::string modifier;            // "", "=", "^~", "~", "~*"
  std::string match;               // its prefix, or its regular expression
  std::vector<std::string> pools;  // the upstreams it passes to
  std::size_t line = 0;
};

struct Server {
  const Directive* block = nullptr;
  std::vector<Location> locations;
  std::vector<const Directive*> listens;
  std::vector<std::string> names;  // server_name's arguments
  std::vector<std::string> pools;  // the upstreams its proxy_pass directives name
  bool passes = false;             // it passes requests on (proxy_pass, fastcgi_pass...)
  bool tls = false;                // a listen with `ssl` (or the old `ssl on;`)
  std::string redirect;            // the URL of the first `return 3xx URL` in it
  bool kept = true;                // false: it serves none of the pools, and is left out
  std::string why_left_out;
};

struct Site {
  const Config* config = nullptr;
  const Directive* http = nullptr;  // null: a sites-available file (bare)
  bool bare = false;                // server or upstream blocks at the top level
  std::vector<const Directive*> upstreams;
  std::vector<Server> servers;
  std::size_t target = 0;                    // index in servers: the site under test
  std::vector<const Directive*> members;     // `server` lines of the pools the site uses
  std::vector<const Directive*> unused;      // upstream blocks no kept server names
  // The pools the traffic's path reaches in the site under test (empty: every pool it names),
  // the location that serves it, and the others, which stay as written.
  std::vector<std::string> chosen;
  const Location* location = nullptr;
  std::vector<std::string> others;
  // When the path asked for reaches no pool: the prefix of the first location that does
  // (where a run that did not set traffic.path goes instead); "" otherwise.
  std::string pool_path;
  std::vector<const Directive*> tls_files;   // ssl_certificate, ssl_certificate_key, ...
  bool tls = false;                          // the site under test listens with ssl

  std::size_t target_line() const;
  std::vector<std::string> target_names() const;  // server_name of the site, '_' and '*' out
  bool left_out(const Directive& d) const;        // a server block the run leaves out
  bool serves(const Directive& upstream) const;   // an upstream the traffic's path reaches
  // Why a run cannot use this file at all ("FILE: no server block..."), or "".
  std::string problem(std::string_view file) const;
};

// `path`: the traffic's path, which picks the location, and so the pools, it reaches.
Site read_site(const Config& config, std::string_view path = "/");

// A `hash KEY [consistent]` of a pool the site uses, read as nginx reads its variables: a
// name runs over letters, digits and '_' only, so `$cookie_connect.sid` is the cookie
// `connect` followed by the text ".sid".
struct HashKey {
  std::size_t line = 0;
  std::string written;                // the key as written
  std::vector<std::string> cookies;   // the cookies its $cookie_NAME variables read
  // The cookie name the user most likely meant when a $cookie_ variable runs into '.' or '-'
  // ("connect.sid"), with the text nginx read as a literal (".sid"); empty otherwise.
  std::string meant;
  std::string literal_after;
};
std::vector<HashKey> hash_keys(const Site& site);
// One `hash` directive's key.
HashKey read_hash_key(const Directive& hash);

// What the pools the site uses stick by, as written ("ip_hash (line 3)", "hash $cookie_sid
// consistent (line 4)", "sticky cookie srv_id (line 5)"); "" when nothing does: every request
// is balanced afresh (round robin, least_conn, random); "no upstream" when the site names
// none (nothing is balanced).
std::string stickiness(const Site& site);

}  // namespace sc::nginx
