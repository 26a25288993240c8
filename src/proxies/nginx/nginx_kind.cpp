// How nginx is started, checked and asked its version, and the lines of its log that say a
// member could not be reached: what the runner, the diagnosis and `init` know of it.
#include "proxies/proxy_kinds.hpp"

namespace sc::proxies {

// nginx: -p puts relative paths under the runtime directory, -e stderr replaces the
// compiled-in /var/log/nginx/error.log before the configuration is read, daemon off.
const ProxyKind& nginx_kind() {
  static const ProxyKind kind =
      {"nginx",
       true,
       "nginx",
       "nginx.conf",
       {"-p", "{runtime_dir}/", "-c", "{config}", "-e", "stderr", "-g", "daemon off;"},
       {},
       "apt-get install nginx",
       "fixtures/nginx/hash-cookie-consistent.conf.in",
       "-v",
       {"-t", "-p", "{runtime_dir}/", "-c", "{config}", "-e", "stderr"},
       // Its upstream errors.
       {"connect() failed", "no live upstreams"}};
  return kind;
}

}  // namespace sc::proxies
