#pragma once
// Adapts a proxy configuration as it ships (the user's own file, or a fixtures/ template
// already rendered) for a standalone run: binds the listen address stickycheck chose, points
// the members named by address at the scenario's backends, keeps every file the proxy writes
// inside the runtime directory, and (Apache) loads what a pasted block lacks. Pure: text in,
// adapted text and the substitutions made out, or a located error ("FILE:LINE: ...").
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/result.hpp"

namespace sc {

struct AdaptInput {
  std::string file;                            // named in notes and errors
  std::string listen;                          // "127.0.0.1:PORT"
  std::string path = "/";                      // traffic.path: picks the pool it reaches
  std::string runtime_dir;                     // absolute, no trailing slash
  std::vector<std::string> backend_names;      // in the scenario's order
  std::vector<std::string> backend_addresses;  // "127.0.0.1:PORT", same order
  // proxy.members: a member's address in the file -> a backend's name. Empty: in order.
  std::vector<std::pair<std::string, std::string>> members;
  // Apache: the modules compiled into httpd ("mod_unixd.c", from `apache2 -l`) and where
  // the shared ones live.
  std::vector<std::string> compiled_modules;
  std::string module_dir = "/usr/lib/apache2/modules";
  // Where the run puts the certificate and key it makes when the site is served over TLS:
  // they replace the user's (nginx's ssl_certificate...), which are never read.
  std::string tls_cert;
  std::string tls_key;
  std::string tls_bundle;  // both in one file, as HAProxy's `crt` reads them
  // Where each line of `text` came from (file, 1-based line) when included files were spliced
  // in; empty: every line is `file`'s own. Notes and errors name these.
  std::vector<std::pair<std::string, std::size_t>> origins;
};

struct Adapted {
  std::string text;
  std::vector<std::string> notes;  // "FILE:LINE: ..." per substitution or addition
  // Lines added before the user's first line: the adapted file's line N is the user's line
  // N - lines_before (adapters that keep every line of the user's in place set it).
  std::size_t lines_before = 0;
  bool keeps_lines = false;
  bool tls = false;                       // the site is spoken to over TLS (in.tls_cert is used)
  bool tls_bundle = false;                // in.tls_bundle is read instead of cert and key
  std::vector<std::string> server_names;  // the names the site answers to, as written
  std::vector<std::string> paths;         // the paths it maps to a balancer (Apache), in order
};

// type: apache | haproxy | nginx | caddy (the reference balancer reads Apache's syntax).
// Any other type is returned unchanged.
Result<Adapted> adapt_config(std::string_view type, std::string_view text, const AdaptInput& in);

// The distinct member addresses the configuration names, as written, in order (for `init`):
// for HAProxy, those of the pool that `path` reaches.
std::vector<std::string> config_member_addresses(std::string_view type, std::string_view text,
                                                 std::string_view path = "/");

// For `init`: which pool of the configuration the traffic to `path` reaches and why, naming
// the others, as one sentence; "" when the configuration has one pool (or the type is not
// read this way).
std::string config_pool_choice(std::string_view type, std::string_view text,
                               std::string_view path = "/");

}  // namespace sc
