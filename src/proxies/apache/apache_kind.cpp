// How apache is started, checked and asked its version, and the lines of its log that say a
// member could not be reached: what the runner, the diagnosis and `init` know of it.
#include "proxies/proxy_kinds.hpp"

namespace sc::proxies {

// apache: -X keeps httpd in one process (one connection pool and one view of each member's
// state, so a run is reproducible); -d makes the runtime directory its ServerRoot; the template
// names the modules (Debian builds them as shared objects). Debian's envvars
// (/etc/apache2/envvars), which nearly every vhost reads through ${APACHE_LOG_DIR} and the
// like, are set to the runtime directory.
const ProxyKind& apache_kind() {
  static const ProxyKind kind =
      {"apache",
       true,
       "apache2",
       "httpd.conf",
       {"-d", "{runtime_dir}", "-f", "{config}", "-X"},
       {"APACHE_LOG_DIR={runtime_dir}", "APACHE_RUN_DIR={runtime_dir}",
        "APACHE_LOCK_DIR={runtime_dir}", "APACHE_PID_FILE={runtime_dir}/httpd.pid",
        "APACHE_RUN_USER=www-data", "APACHE_RUN_GROUP=www-data"},
       "apt-get install apache2",
       "fixtures/apache/routeid-recipe.conf.in",
       "-v",
       {"-t", "-d", "{runtime_dir}", "-f", "{config}"},
       // mod_proxy's: a member in error, none usable, a connect that failed or timed out.
       {"ah00957", "ah00959", "ah01114", "ah01102", "ah00940", "ah01097", "ah01170",
        "ah01171"}};
  return kind;
}

}  // namespace sc::proxies
