// How caddy is started, checked and asked its version, and the lines of its log that say a
// member could not be reached: what the runner, the diagnosis and `init` know of it.
#include "proxies/proxy_kinds.hpp"

namespace sc::proxies {

// caddy: the Caddyfile adapter; XDG_CONFIG_HOME/XDG_DATA_HOME/HOME keep its autosave.json and
// storage out of the user's home (the templates also turn the admin endpoint off).
const ProxyKind& caddy_kind() {
  static const ProxyKind kind =
      {"caddy",
       true,
       "caddy",
       "Caddyfile",
       {"run", "--config", "{config}", "--adapter", "caddyfile"},
       {"XDG_CONFIG_HOME={runtime_dir}", "XDG_DATA_HOME={runtime_dir}", "HOME={runtime_dir}"},
       "apt-get install caddy",
       "fixtures/caddy/lb-policy-cookie.Caddyfile.in",
       "version",
       {"validate", "--config", "{config}", "--adapter", "caddyfile"},
       // Its dial errors and an empty pool.
       {"failed to make connection", "dial tcp", "no upstreams available"}};
  return kind;
}

}  // namespace sc::proxies
