#include "scenario/proxy_kinds.hpp"

namespace sc {

namespace {

// Quirks handled here, once for every scenario:
// - apache: -X keeps httpd in one process (one connection pool and one view of each
//   member's state, so a run is reproducible); -d makes the runtime directory its
//   ServerRoot; the template names the modules (Debian builds them as shared objects).
//   Debian's envvars (/etc/apache2/envvars), which nearly every vhost reads through
//   ${APACHE_LOG_DIR} and the like, are set to the runtime directory.
// - nginx: -p puts relative paths under the runtime directory, -e stderr replaces the
//   compiled-in /var/log/nginx/error.log before the configuration is read, daemon off.
// - caddy: the Caddyfile adapter; XDG_CONFIG_HOME/XDG_DATA_HOME/HOME keep its autosave.json
//   and storage out of the user's home (the templates also turn the admin endpoint off).
const std::vector<ProxyKind>& kinds() {
  static const std::vector<ProxyKind> k = {
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
       {"-t", "-d", "{runtime_dir}", "-f", "{config}"}},
      {"haproxy",
       true,
       "haproxy",
       "haproxy.cfg",
       {"-f", "{config}", "-db"},
       {},
       "apt-get install haproxy",
       "fixtures/haproxy/cookie-insert.cfg.in",
       "-v",
       {"-c", "-f", "{config}"}},
      {"nginx",
       true,
       "nginx",
       "nginx.conf",
       {"-p", "{runtime_dir}/", "-c", "{config}", "-e", "stderr", "-g", "daemon off;"},
       {},
       "apt-get install nginx",
       "fixtures/nginx/hash-cookie-consistent.conf.in",
       "-v",
       {"-t", "-p", "{runtime_dir}/", "-c", "{config}", "-e", "stderr"}},
      {"caddy",
       true,
       "caddy",
       "Caddyfile",
       {"run", "--config", "{config}", "--adapter", "caddyfile"},
       {"XDG_CONFIG_HOME={runtime_dir}", "XDG_DATA_HOME={runtime_dir}", "HOME={runtime_dir}"},
       "apt-get install caddy",
       "fixtures/caddy/lb-policy-cookie.Caddyfile.in",
       "version",
       {"validate", "--config", "{config}", "--adapter", "caddyfile"}},
      {"reference", false, "", "httpd.conf", {}, {}, "", "", "", {}},
      {"command", false, "", "proxy.conf", {}, {}, "", "", "", {}},
      {"external", false, "", "", {}, {}, "", "", "", {}},
  };
  return k;
}

}  // namespace

std::span<const ProxyKind> proxy_kinds() { return kinds(); }

const ProxyKind* find_proxy_kind(std::string_view type) {
  for (const auto& k : kinds())
    if (k.type == type) return &k;
  return nullptr;
}

std::string_view proxy_type_list() {
  return "reference, apache, haproxy, nginx, caddy, command, external";
}

}  // namespace sc
