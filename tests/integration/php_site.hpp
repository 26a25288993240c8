#pragma once
// Real PHP applications (`php -S`, one per backend, each its own session store) behind a real
// proxy started from a template, for the probe tests. Everything a site started goes when it
// goes: each child's whole process group is killed (php -S forks its workers, which outlive a
// master that is only asked to stop).
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "harness.hpp"
#include "util/result.hpp"

namespace sc::test {

// One `php -S 127.0.0.1:PORT -t DOCROOT` with PHP_CLI_SERVER_WORKERS=4 and a session store
// (session.save_path) of its own under `session_dir`.
struct PhpServerSpec {
  std::string docroot = "fixtures/php/app";  // relative to the source tree
  std::uint16_t port = 0;
  std::string session_dir;
  // On (the brief's set-up): an id this backend does not know is replaced by a new one. Off
  // (PHP's own default): the backend adopts the id it is sent, as an empty session.
  bool strict_sessions = true;
  std::vector<std::string> env;  // "NAME=value" for the app (BACKEND_NAME, ROUTE_COOKIE...)
  // Instead of PHP: the real socket.io server (tests/socketio/server.js on nodejs), named
  // `node_name`.
  bool socketio_node = false;
  std::string node_name;
};

class PhpServer {
 public:
  // Returns once the port accepts connections, or why it never did (with php's output).
  static Result<std::unique_ptr<PhpServer>> start(const PhpServerSpec& spec);
  ~PhpServer();  // kills php's process group, then removes the directory it owns, if any
  std::uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }
  std::string output() const { return process_->output_so_far(); }
  int pid() const { return process_->pid(); }  // the leader of php's process group

 private:
  friend Result<std::unique_ptr<PhpServer>> start_php_server(const std::string&,
                                                             std::vector<std::string>);
  PhpServer(std::uint16_t port, std::unique_ptr<TestProcess> p)
      : port_(port), process_(std::move(p)) {}
  std::uint16_t port_;
  std::unique_ptr<TestProcess> process_;
  std::string owned_dir_;
};

// A PHP server on a port of its own choosing, in its own temporary runtime directory.
Result<std::unique_ptr<PhpServer>> start_php_server(const std::string& docroot,
                                                    std::vector<std::string> env = {});

struct PhpSiteOptions {
  // apache | haproxy | nginx | caddy (src/proxies/proxy_kinds), or reference: stickycheck's
  // balancer reading the (Apache) template with --apache-conf.
  std::string proxy;
  std::string config_template;  // relative to the source tree, e.g. fixtures/probe/x.conf.in
  int backends = 2;             // named www1, www2...; each one's route is its name
  // Per backend, "{{route}}" replaced by its route: "ROUTE_COOKIE=BALANCEID=balancer.{{route}}".
  std::vector<std::string> backend_env;
  bool strict_sessions = true;
  // More template placeholders, {{name}} -> value (a TLS site's {{cert}} and {{key}}).
  // Every template also has {{address_N}} for backend N (1-based), to split them into groups.
  std::vector<std::pair<std::string, std::string>> template_extra;
  // Loopback ports for the proxy's own inner listeners (an HAProxy `listen` section per
  // service): {{inner_N}} is 127.0.0.1:PORT for the Nth.
  int inner_ports = 0;
  std::string docroot = "fixtures/php/app";  // the backends' application
  // The backends are real socket.io server nodes (tests/socketio/server.js), not PHP.
  bool socketio_nodes = false;
};

class PhpSite {
 public:
  static Result<std::unique_ptr<PhpSite>> start(const PhpSiteOptions& options);
  ~PhpSite();
  std::uint16_t port() const { return port_; }
  std::string url(const std::string& scheme = "http") const;
  const std::string& runtime_dir() const { return dir_; }
  // The proxy's and the backends' output, for a failed test's message.
  std::string logs() const;
  // Kills backend `index` (0-based) with its process group: its port refuses from then on.
  void stop_backend(std::size_t index);
  // Starts it again on the same port with the same session store, as a restarted member.
  Status restart_backend(std::size_t index);
  // The requests backend `index` logged since it was last started (php -S writes a line each).
  std::size_t requests_logged(std::size_t index) const;

 private:
  PhpSite() = default;
  Status start_backends(const PhpSiteOptions& o, const std::vector<std::uint16_t>& ports);
  Status start_proxy(const PhpSiteOptions& o, const std::vector<std::uint16_t>& ports,
                     const std::vector<std::uint16_t>& inner);
  std::string dir_;
  std::uint16_t port_ = 0;
  std::vector<std::unique_ptr<PhpServer>> backends_;  // null while stopped
  std::vector<PhpServerSpec> specs_;                   // how each backend was started
  std::unique_ptr<TestProcess> proxy_;
};

// A self-signed certificate for 127.0.0.1 and localhost, made by openssl into `dir`.
struct TlsFiles {
  std::string cert, key;
};
Result<TlsFiles> make_self_signed_certificate(const std::string& dir);

// The probe tests' set-ups: two PHP backends (www1, www2) behind each proxy.
namespace sites {
// Apache, stickysession=BALANCEID; the backends set BALANCEID=balancer.wwwN.
PhpSiteOptions apache_balanceid();
// Apache, the manual's ROUTEID recipe: the proxy sets ROUTEID=.wwwN.
PhpSiteOptions apache_routeid();
// Apache, stickysession=PHPSESSID with plain PHP ids: no route, so requests alternate and
// every one lands where its session is unknown.
PhpSiteOptions apache_phpsessid_no_route();
// Apache, stickysession=PHPSESSID with ids that end in .wwwN (stickysessionsep).
PhpSiteOptions apache_phpsessid_route_suffix();
// The same, but the backends write routes (.nodewww1) that are no member's route= (www1): the
// balancer never finds them, as with a Tomcat jvmRoute that differs from BalancerMember route.
PhpSiteOptions apache_phpsessid_route_mismatch();
// The ROUTEID recipe with stickysession=ROUTE_ID (a typo): the proxy sets a cookie it never
// reads.
PhpSiteOptions apache_routeid_typo();
// HAProxy, cookie SRV insert indirect nocache.
PhpSiteOptions haproxy_cookie_insert();
// nginx, hash $cookie_PHPSESSID consistent, with PHP's non-strict sessions: a first request
// (no cookie yet) goes round robin, the later ones where the id hashes, which adopts it.
// `hide_backend`: the answers do not name the backend (nothing outside tells them apart).
PhpSiteOptions nginx_hash(bool hide_backend = false);
// Caddy, lb_policy cookie.
PhpSiteOptions caddy_lb_cookie();
// HAProxy round robin without stickiness, PHP's own (non-strict) sessions, and an A/B-test
// cookie set once per visitor: a cookie that behaves like a route but names no backend.
PhpSiteOptions haproxy_roundrobin_ab_cookie();
// HAProxy round robin without stickiness and strict sessions: every move loses the session
// (PHP re-issues PHPSESSID), and nothing says Apache.
PhpSiteOptions haproxy_roundrobin_strict();
// HAProxy's inserted cookie in front of an app whose laravel_session is re-sealed (new bytes)
// on every answer, as Laravel does, while its session stays.
PhpSiteOptions haproxy_cookie_insert_sealed_session();
// HAProxy, cookie SERVERID insert over two services (svc1, svc2), each a `listen` section that
// round-robins over two backends naming themselves in X-Backend (www1, www2 in svc1; www3,
// www4 in svc2): a Kubernetes Service behind a balancer. The balancer sticks, the services
// do not. `sticky_pods`: each service keeps a session on its pod too (its own POD cookie).
// `pods_in_header` off: the pods name themselves only in their JSON body ("backend").
PhpSiteOptions haproxy_services_of_pods(bool sticky_pods = false, bool pods_in_header = true);
// The same with svc2 a single pod (www3): svc1 still spreads its sessions over www1 and www2.
PhpSiteOptions haproxy_services_one_of_one_pod();
// HAProxy's inserted cookie in front of pages that all redirect to /login.
PhpSiteOptions haproxy_cookie_insert_login_redirect();
// HAProxy's inserted cookie, each answer naming its server (www1, www2) in X-Served-By, a
// cache node's header.
PhpSiteOptions haproxy_cookie_insert_served_by();
// HAProxy's inserted cookie with option redispatch and health checks every 100 ms: a member
// that stops answering is marked down at once and its sessions go to the other.
PhpSiteOptions haproxy_cookie_insert_redispatch();
// nginx_hash() over https, with the certificate in `tls`.
PhpSiteOptions nginx_hash_tls(const TlsFiles& tls);
// Apache, stickysession=JSESSIONID stickysessionsep=`separator`; the backends set
// JSESSIONID=<id><separator>wwwN themselves, verbatim (a Java server's route, after '-' or ':').
PhpSiteOptions apache_jsessionid_route_suffix(char separator);
// The same balancer, but the backends' JSESSIONID is an id of `form` with no route: "uuid"
// (550e8400-e29b-...: its dashes are no route) or "pair" (two random halves joined by ':').
PhpSiteOptions apache_jsessionid_without_route(char separator, const std::string& form);
// Apache, the ROUTEID recipe with the dot left out (ROUTEID=wwwN): no route is ever found.
PhpSiteOptions apache_routeid_without_dot();
// HAProxy's inserted cookie under the name `cookie` (ApplicationGatewayAffinity: an opaque
// affinity cookie by its name), values www1, www2.
PhpSiteOptions haproxy_cookie_named(const std::string& cookie);
// HAProxy's inserted cookie without redispatch or health checks, a retry after a second: the
// sessions of a member that went away are answered 503 from then on.
PhpSiteOptions haproxy_cookie_insert_no_redispatch();
// HAProxy sticking by a stick table on PHPSESSID: sticky, with no affinity cookie at all.
PhpSiteOptions haproxy_stick_table();
// HAProxy's inserted SRV cookie behind a "cache" that names its node (cache-0, cache-1, at
// random per answer) in X-Served-By.
PhpSiteOptions haproxy_cache_node_header();
}  // namespace sites


// `stickycheck probe URL` sized for our own loopback servers (few sessions, a high --rate),
// with `extra` options after those; the JSON report is checked against the schema.
struct ProbeOptions {
  int sessions = 12;
  int requests_per_session = 5;
  // Sessions at once (the rate's slots go to them in a random order, so even numbers no longer
  // land in step on one member of a round robin: RoundRobinWithSessionsInLockstepIsNeverAPass).
  int concurrency = 3;
  double rate = 1000;  // requests per second
  std::vector<std::string> extra;
};
struct ProbeResult {
  CliResult cli;
  nlohmann::json report;         // null when the probe wrote none
  nlohmann::json scenario;       // report["scenarios"][0], null when there is none
  std::string describe() const;  // exit code, output and the report, for a failure message
};
ProbeResult run_probe(const std::string& url, const ProbeOptions& options = {});

// Whether one of the probe's causes (its report's diagnosis) contains `part`.
bool said(const ProbeResult& r, const std::string& part);

// The strings of a JSON array, one a line (a report's diagnosis or facts), to search in.
std::string joined_lines(const nlohmann::json& strings);

// A private directory under /tmp that `nobody` can read (Apache drops to it once its files
// are open); the caller removes it.
Result<std::string> make_runtime_dir();

// A browser-like visitor over plain HTTP: one cookie jar (name -> value, attributes ignored)
// for `requests` requests to 127.0.0.1:port; each answer's JSON body, or an error naming the
// request that did not answer JSON.
Result<std::vector<nlohmann::json>> visit(std::uint16_t port, int requests,
                                          const std::string& target = "/");

}  // namespace sc::test
