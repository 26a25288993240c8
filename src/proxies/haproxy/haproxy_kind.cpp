// How haproxy is started, checked and asked its version, and the lines of its log that say a
// member could not be reached: what the runner, the diagnosis and `init` know of it.
#include "proxies/proxy_kinds.hpp"

namespace sc::proxies {

// haproxy: -db keeps it in the foreground with its log on stderr.
const ProxyKind& haproxy_kind() {
  static const ProxyKind kind =
      {"haproxy",
       true,
       "haproxy",
       "haproxy.cfg",
       {"-f", "{config}", "-db"},
       {},
       "apt-get install haproxy",
       "fixtures/haproxy/cookie-insert.cfg.in",
       "-v",
       {"-c", "-f", "{config}"},
       // Its server state changes and the 503 page's reason.
       {"is down", "no server available", "layer4"}};
  return kind;
}

}  // namespace sc::proxies
