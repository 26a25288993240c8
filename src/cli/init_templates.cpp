// The configurations `stickycheck init` starts from, the fixtures/ templates of the shipped
// scenarios as they are (a unit test keeps them equal), compiled in so that an installed
// stickycheck needs no source tree.
#include "cli/init_files.hpp"

namespace sc::cli {

std::string_view init_template(std::string_view type) {
  if (type == "apache")
    return R"INIT(# The Apache 2.4 manual's recipe (mod_proxy_balancer, "Examples of a balancer
# configuration"): the proxy itself sets ROUTEID=.<route> whenever it picked a member, and
# routes by it afterwards; the backends need no change.
# Rendered by stickycheck into the scenario's runtime directory, which httpd (started as
# `apache2 -d RUNTIME -f FILE -X`: one process, in the foreground) also takes as ServerRoot.
# The modules are Debian's shared objects; everything else is spelt out here, so the run
# does not depend on /etc/apache2.
DefaultRuntimeDir {{runtime_dir}}
PidFile {{runtime_dir}}/httpd.pid
Mutex file:{{runtime_dir}} default
ServerName 127.0.0.1
Listen {{listen}}
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule headers_module /usr/lib/apache2/modules/mod_headers.so
LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so
LoadModule proxy_http_module /usr/lib/apache2/modules/mod_proxy_http.so
LoadModule proxy_balancer_module /usr/lib/apache2/modules/mod_proxy_balancer.so
LoadModule slotmem_shm_module /usr/lib/apache2/modules/mod_slotmem_shm.so
LoadModule lbmethod_byrequests_module /usr/lib/apache2/modules/mod_lbmethod_byrequests.so
ErrorLog /dev/stderr
LogLevel warn
# Started as root, httpd drops to this user once its files are open (without the directive
# it picks uid -1 and logs an alert).
User nobody
Group nogroup
# One process (-X) sized for the scenarios' 100 concurrent sessions: with Debian's 25
# threads, the event MPM closes idle keep-alive connections once it holds more than
# (threads x 3), and clients reusing them see "connection died".
ThreadLimit 200
ThreadsPerChild 200
MaxRequestWorkers 200

Header add Set-Cookie "ROUTEID=.%{BALANCER_WORKER_ROUTE}e; path=/" env=BALANCER_ROUTE_CHANGED
<Proxy "balancer://app">
    BalancerMember "http://{{address}}" route={{route}} {{each_backend}}
    ProxySet stickysession=ROUTEID
</Proxy>
ProxyPass        "/" "balancer://app/"
ProxyPassReverse "/" "balancer://app/"
)INIT";
  if (type == "haproxy")
    return R"INIT(# HAProxy's sticky sessions as its manual gives them: the proxy inserts a SRV cookie naming
# the server (indirect: the backends never see it; nocache: no shared cache keeps it).
# Rendered by stickycheck: {{listen}} is the address to bind, one `server` line per backend.
global
  maxconn 2000
defaults
  mode http
  timeout connect 3s
  timeout client 30s
  timeout server 30s
  option http-keep-alive
frontend fe
  bind {{listen}}
  default_backend app
backend app
  balance roundrobin
  cookie SRV insert indirect nocache
  server {{name}} {{address}} cookie {{route}} {{each_backend}}
)INIT";
  if (type == "nginx")
    return R"INIT(# `ip_hash`: nginx picks the backend from the client's address, hashing only the first
# three octets of an IPv4 address, so one client, one NAT gateway or one /24 always lands
# on the same backend.
# Started as `nginx -p RUNTIME/ -c FILE -e stderr -g 'daemon off;'`; the temp paths are
# kept in the runtime directory (Debian compiles in /var/lib/nginx).
worker_processes 1;
pid {{runtime_dir}}/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path {{runtime_dir}}/client_body;
  proxy_temp_path {{runtime_dir}}/proxy;
  fastcgi_temp_path {{runtime_dir}}/fastcgi;
  uwsgi_temp_path {{runtime_dir}}/uwsgi;
  scgi_temp_path {{runtime_dir}}/scgi;
  upstream app {
    ip_hash;
    server {{address}}; {{each_backend}}
    keepalive 16;
  }
  server {
    listen {{listen}};
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
)INIT";
  if (type == "caddy")
    return R"INIT(# Caddy's sticky sessions: `lb_policy cookie` sets lb=<HMAC of the upstream's address> on
# the first answer (picked at random) and routes by it afterwards.
# Started as `caddy run --config FILE --adapter caddyfile` with XDG_CONFIG_HOME, XDG_DATA_HOME
# and HOME in the runtime directory; the admin endpoint is off (it would listen on
# localhost:2019, shared by every Caddy on the machine) and so is automatic HTTPS.
{
	admin off
	auto_https off
	storage file_system {{runtime_dir}}/caddy-data
}

http://{{listen}} {
	bind 127.0.0.1
	reverse_proxy {
		to {{address}} {{each_backend}}
		lb_policy cookie
	}
}
)INIT";
  return "";
}

std::string_view init_template_fixture(std::string_view type) {
  if (type == "apache") return "fixtures/apache/routeid-recipe.conf.in";
  if (type == "haproxy") return "fixtures/haproxy/cookie-insert.cfg.in";
  if (type == "nginx") return "fixtures/nginx/ip-hash.conf.in";
  if (type == "caddy") return "fixtures/caddy/lb-policy-cookie.Caddyfile.in";
  return "";
}

}  // namespace sc::cli
