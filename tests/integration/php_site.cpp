#include "php_site.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "runner/config_template.hpp"
#include "runner/ports.hpp"
#include "proxies/proxy_kinds.hpp"

namespace sc::test {

namespace {

using namespace std::chrono_literals;

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

// The sbin directories too: a test's PATH may lack them, and apache2 and haproxy live there.
Result<std::string> find_program(const std::string& name) {
  std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
  path += ":/usr/sbin:/sbin:/usr/bin:/bin";
  for (std::size_t start = 0; start <= path.size();) {
    auto end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    const std::string candidate = path.substr(start, end - start) + "/" + name;
    if (end > start && ::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return Error{fmt::format("{} is not installed (scripts/bootstrap installs it)", name)};
}

// Until the port accepts, or the process is gone (then its output says why).
Status await_port(const TestProcess& p, std::uint16_t port, const std::string& what) {
  const bool up = wait_until([&] { return port_accepts(port) || !process_exists(p.pid()); }, 20s);
  if (up && port_accepts(port)) return ok_status();
  return Error{
      fmt::format("{} never listened on 127.0.0.1:{}:\n{}", what, port, p.output_so_far())};
}

// `name=value` of each Set-Cookie into the jar; a cookie without '=' is ignored.
void keep_cookies(std::map<std::string, std::string>& jar,
                  const std::vector<std::string>& set_cookies) {
  for (const auto& c : set_cookies) {
    const auto pair = c.substr(0, c.find(';'));
    const auto eq = pair.find('=');
    if (eq != std::string::npos) jar[pair.substr(0, eq)] = pair.substr(eq + 1);
  }
}

std::string cookie_header(const std::map<std::string, std::string>& jar) {
  std::string out;
  for (const auto& [name, value] : jar) out += (out.empty() ? "" : "; ") + name + "=" + value;
  return out;
}

}  // namespace

Result<std::string> make_runtime_dir() {
  std::string templ = "/tmp/stickycheck-php.XXXXXX";
  if (!::mkdtemp(templ.data())) return Error{"cannot create a directory under /tmp"};
  ::chmod(templ.c_str(), 0755);
  return templ;
}

Result<TlsFiles> make_self_signed_certificate(const std::string& dir) {
  TlsFiles files{dir + "/cert.pem", dir + "/key.pem"};
  auto openssl = find_program("openssl");
  if (!openssl) return openssl.error();
  TestProcess p(*openssl, {"req", "-x509", "-newkey", "ec", "-pkeyopt",
                           "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj",
                           "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                           "-keyout", files.key, "-out", files.cert});
  const auto r = p.wait(30s);
  if (r.exit_code != 0) return Error{"openssl could not make a certificate:\n" + r.err};
  return files;
}

Result<std::unique_ptr<PhpServer>> PhpServer::start(const PhpServerSpec& spec) {
  if (spec.socketio_node) {
    auto p = std::make_unique<TestProcess>(
        "/usr/bin/node", std::vector<std::string>{source_path("tests/socketio/server.js"),
                                                  std::to_string(spec.port), spec.node_name});
    if (auto st = await_port(*p, spec.port, "node tests/socketio/server.js"); !st)
      return st.error();
    return std::unique_ptr<PhpServer>(new PhpServer(spec.port, std::move(p)));
  }
  auto php = find_program("php");
  if (!php) return php.error();
  std::filesystem::create_directories(spec.session_dir);
  std::vector<std::string> env = spec.env;
  env.push_back("PHP_CLI_SERVER_WORKERS=4");
  auto p = std::make_unique<TestProcess>(
      *php,
      std::vector<std::string>{
          "-S", fmt::format("127.0.0.1:{}", spec.port), "-t", source_path(spec.docroot), "-d",
          "session.save_path=" + spec.session_dir, "-d",
          fmt::format("session.use_strict_mode={}", spec.strict_sessions ? 1 : 0)},
      std::move(env));
  if (auto st = await_port(*p, spec.port, "php -S " + spec.docroot); !st) return st.error();
  return std::unique_ptr<PhpServer>(new PhpServer(spec.port, std::move(p)));
}

Result<std::unique_ptr<PhpServer>> start_php_server(const std::string& docroot,
                                                    std::vector<std::string> env) {
  auto ports = allocate_loopback_ports(1);
  if (!ports) return ports.error();
  auto dir = make_runtime_dir();
  if (!dir) return dir.error();
  auto server =
      PhpServer::start({docroot, ports->front(), *dir + "/sessions", true, std::move(env)});
  if (!server) {
    std::filesystem::remove_all(*dir);
    return server.error();
  }
  (*server)->owned_dir_ = *dir;
  return server;
}

PhpServer::~PhpServer() {
  process_.reset();
  std::error_code ec;
  if (!owned_dir_.empty()) std::filesystem::remove_all(owned_dir_, ec);
}

Result<std::unique_ptr<PhpSite>> PhpSite::start(const PhpSiteOptions& options) {
  auto ports = allocate_loopback_ports(
      static_cast<std::size_t>(options.backends + options.inner_ports) + 1);
  if (!ports) return ports.error();
  const std::vector<std::uint16_t> inner(ports->end() - 1 - options.inner_ports,
                                         ports->end() - 1);
  auto dir = make_runtime_dir();
  if (!dir) return dir.error();
  std::unique_ptr<PhpSite> site(new PhpSite());
  site->dir_ = *dir;
  site->port_ = ports->back();
  ports->resize(static_cast<std::size_t>(options.backends));
  if (auto st = site->start_backends(options, *ports); !st) return st.error();
  if (auto st = site->start_proxy(options, *ports, inner); !st) return st.error();
  return site;
}

PhpSite::~PhpSite() {
  proxy_.reset();
  backends_.clear();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string PhpSite::url(const std::string& scheme) const {
  return fmt::format("{}://127.0.0.1:{}/", scheme, port_);
}

std::string PhpSite::logs() const {
  std::string out = proxy_ ? "proxy:\n" + proxy_->output_so_far() : "";
  for (std::size_t i = 0; i < backends_.size(); ++i)
    out += fmt::format("www{}:\n{}", i + 1, backends_[i] ? backends_[i]->output() : "(stopped)");
  return out;
}

void PhpSite::stop_backend(std::size_t index) {
  if (index < backends_.size()) backends_[index].reset();
}

Status PhpSite::restart_backend(std::size_t index) {
  if (index >= specs_.size()) return Error{fmt::format("no backend {}", index)};
  auto server = PhpServer::start(specs_[index]);
  if (!server) return server.error();
  backends_[index] = std::move(*server);
  return ok_status();
}

std::size_t PhpSite::requests_logged(std::size_t index) const {
  if (index >= backends_.size() || !backends_[index]) return 0;
  const std::string out = backends_[index]->output();
  std::size_t n = 0;
  for (auto at = out.find("]: GET "); at != std::string::npos; at = out.find("]: GET ", at + 1))
    ++n;
  return n;
}

Status PhpSite::start_backends(const PhpSiteOptions& o, const std::vector<std::uint16_t>& ports) {
  for (std::size_t i = 0; i < ports.size(); ++i) {
    const std::string route = fmt::format("www{}", i + 1);
    PhpServerSpec spec;
    spec.docroot = o.docroot;
    spec.port = ports[i];
    spec.session_dir = fmt::format("{}/sessions-{}", dir_, route);
    spec.strict_sessions = o.strict_sessions;
    spec.socketio_node = o.socketio_nodes;
    spec.node_name = route;
    spec.env.push_back("BACKEND_NAME=" + route);
    for (const auto& e : o.backend_env) spec.env.push_back(replace_all(e, "{{route}}", route));
    auto server = PhpServer::start(spec);
    if (!server) return server.error();
    backends_.push_back(std::move(*server));
    specs_.push_back(std::move(spec));
  }
  return ok_status();
}

// The proxy's command line, environment and configuration file as stickycheck's own runs have
// them (src/scenario/proxy_kinds.cpp), its files in this site's runtime directory.
Status PhpSite::start_proxy(const PhpSiteOptions& o, const std::vector<std::uint16_t>& ports,
                           const std::vector<std::uint16_t>& inner) {
  const bool reference = o.proxy == "reference";
  const ProxyKind* kind = reference ? &proxies::apache_kind() : find_proxy_kind(o.proxy);
  if (!kind || !kind->real) return Error{"not a real proxy type: " + o.proxy};
  auto exe = reference ? Result<std::string>(stickycheck_bin())
                       : find_program(std::string(kind->exe));
  if (!exe) return exe.error();
  TemplateValues values;
  values.listen_port = port_;
  values.runtime_dir = dir_;
  for (std::size_t i = 0; i < ports.size(); ++i) {
    const std::string route = fmt::format("www{}", i + 1);
    values.backends.push_back({route, route, ports[i], "1"});
  }
  values.extra = o.template_extra;
  for (std::size_t i = 0; i < ports.size(); ++i)
    values.extra.emplace_back(fmt::format("address_{}", i + 1),
                              fmt::format("127.0.0.1:{}", ports[i]));
  for (std::size_t i = 0; i < inner.size(); ++i)
    values.extra.emplace_back(fmt::format("inner_{}", i + 1),
                              fmt::format("127.0.0.1:{}", inner[i]));
  auto text =
      render_config_template(read_file(source_path(o.config_template)), o.config_template, values);
  if (!text) return text.error();
  const std::string config = dir_ + "/" + std::string(kind->config_name);
  std::ofstream(config) << *text;
  auto fill = [&](std::string_view s) {
    return replace_all(replace_all(std::string(s), "{config}", config), "{runtime_dir}", dir_);
  };
  std::vector<std::string> args, env;
  if (reference) args = {"balancer", "--apache-conf", config};
  for (auto a : kind->args)
    if (!reference) args.push_back(fill(a));
  for (auto e : kind->env)
    if (!reference) env.push_back(fill(e));
  proxy_ = std::make_unique<TestProcess>(*exe, std::move(args), std::move(env));
  return await_port(*proxy_, port_, o.proxy + " with " + o.config_template);
}

std::string joined_lines(const nlohmann::json& strings) {
  std::string out;
  for (const auto& s : strings) out += (s.is_string() ? s.get<std::string>() : s.dump()) + "\n";
  return out;
}

bool said(const ProbeResult& r, const std::string& part) {
  return joined_lines(r.scenario["diagnosis"]).find(part) != std::string::npos;
}

std::string ProbeResult::describe() const {
  nlohmann::json brief = nlohmann::json::object();
  for (const char* key : {"probe", "metrics", "diagnosis", "cookies"})
    if (scenario.is_object() && scenario.contains(key)) brief[key] = scenario[key];
  return fmt::format("exit {}\nstdout:\n{}\nstderr:\n{}\nscenario (part):\n{}", cli.exit_code,
                     cli.out, cli.err, brief.dump(1));
}

ProbeResult run_probe(const std::string& url, const ProbeOptions& options) {
  static int counter = 0;
  const std::string json = temp_path(fmt::format("probe-{}.json", counter++));
  std::vector<std::string> args = {"probe",
                                   url,
                                   "--sessions",
                                   std::to_string(options.sessions),
                                   "--rate",
                                   fmt::format("{}", options.rate),
                                   "--json",
                                   json,
                                   "--quiet",
                                   "--no-color"};
  // Steps make a session's requests themselves.
  if (std::find(options.extra.begin(), options.extra.end(), "--steps") == options.extra.end())
    args.insert(args.end(),
                {"--requests-per-session", std::to_string(options.requests_per_session)});
  if (std::find(options.extra.begin(), options.extra.end(), "--concurrency") ==
      options.extra.end())
    args.insert(args.end(), {"--concurrency", std::to_string(options.concurrency)});
  args.insert(args.end(), options.extra.begin(), options.extra.end());
  ProbeResult r;
  r.cli = run_cli(std::move(args), 60s);
  if (!std::filesystem::exists(json)) return r;
  expect_valid_report(json);
  r.report = nlohmann::json::parse(read_file(json), nullptr, false);
  if (r.report.is_object() && r.report.contains("scenarios") && !r.report["scenarios"].empty())
    r.scenario = r.report["scenarios"][0];
  return r;
}

Result<std::vector<nlohmann::json>> visit(std::uint16_t port, int requests,
                                          const std::string& target) {
  std::map<std::string, std::string> jar;
  std::vector<nlohmann::json> bodies;
  for (int i = 1; i <= requests; ++i) {
    const auto answer = http_get(port, target, cookie_header(jar));
    auto body = nlohmann::json::parse(answer.body, nullptr, false);
    if (answer.status != 200 || body.is_discarded())
      return Error{fmt::format("request {} of a visitor to 127.0.0.1:{}: status {}, body {}", i,
                               port, answer.status, answer.body)};
    keep_cookies(jar, answer.set_cookies);
    bodies.push_back(std::move(body));
  }
  return bodies;
}

}  // namespace sc::test

namespace sc::test::sites {

PhpSiteOptions apache_balanceid() {
  return {"apache",
          "fixtures/apache/balanceid-route-cookie.conf.in",
          2,
          {"ROUTE_COOKIE=BALANCEID=balancer.{{route}}"}};
}

PhpSiteOptions apache_routeid() {
  return {"apache", "fixtures/apache/routeid-recipe.conf.in", 2, {}};
}

PhpSiteOptions apache_phpsessid_no_route() {
  return {"apache", "fixtures/apache/phpsessid-no-route.conf.in", 2, {}};
}

PhpSiteOptions apache_phpsessid_route_suffix() {
  return {"apache",
          "fixtures/probe/apache-phpsessid-route-suffix.conf.in",
          2,
          {"SESSION_SUFFIX=.{{route}}"}};
}

PhpSiteOptions apache_phpsessid_route_mismatch() {
  return {"apache",
          "fixtures/probe/apache-phpsessid-route-suffix.conf.in",
          2,
          {"SESSION_SUFFIX=.node{{route}}"}};
}

PhpSiteOptions apache_routeid_typo() {
  return {"apache", "fixtures/probe/apache-routeid-typo.conf.in", 2, {}};
}

PhpSiteOptions haproxy_cookie_insert() {
  return {"haproxy", "fixtures/haproxy/cookie-insert.cfg.in", 2, {}};
}

PhpSiteOptions nginx_hash(bool hide_backend) {
  PhpSiteOptions o{"nginx", "fixtures/nginx/hash-cookie-consistent.conf.in", 2, {}};
  if (hide_backend) o.backend_env.push_back("HIDE_BACKEND=1");
  o.strict_sessions = false;
  return o;
}

PhpSiteOptions nginx_hash_tls(const TlsFiles& tls) {
  PhpSiteOptions o = nginx_hash();
  o.config_template = "fixtures/probe/nginx-hash-tls.conf.in";
  o.template_extra = {{"cert", tls.cert}, {"key", tls.key}};
  return o;
}

PhpSiteOptions haproxy_roundrobin_ab_cookie() {
  PhpSiteOptions o{"haproxy", "fixtures/probe/haproxy-roundrobin.cfg.in", 2, {"AB_TEST=1"}};
  o.strict_sessions = false;
  return o;
}

PhpSiteOptions haproxy_roundrobin_strict() {
  return {"haproxy", "fixtures/probe/haproxy-roundrobin.cfg.in", 2, {}};
}

PhpSiteOptions haproxy_cookie_insert_sealed_session() {
  return {"haproxy", "fixtures/haproxy/cookie-insert.cfg.in", 2, {"SEALED_COOKIE=laravel_session"}};
}

PhpSiteOptions haproxy_cookie_insert_login_redirect() {
  return {"haproxy", "fixtures/haproxy/cookie-insert.cfg.in", 2, {"LOGIN_REDIRECT=/login"}};
}

PhpSiteOptions haproxy_cookie_insert_served_by() {
  return {"haproxy", "fixtures/probe/haproxy-served-by.cfg.in", 2, {}};
}

PhpSiteOptions haproxy_cookie_insert_redispatch() {
  return {"haproxy", "fixtures/probe/haproxy-flapping-member.cfg.in", 2, {}};
}

PhpSiteOptions haproxy_services_of_pods(bool sticky_pods, bool pods_in_header) {
  PhpSiteOptions o{"haproxy",
                   sticky_pods ? "fixtures/probe/haproxy-services-of-sticky-pods.cfg.in"
                               : "fixtures/probe/haproxy-services-of-pods.cfg.in",
                   4,
                   {}};
  if (pods_in_header) o.backend_env.push_back("BACKEND_HEADER=1");
  o.inner_ports = 2;
  return o;
}

PhpSiteOptions haproxy_services_one_of_one_pod() {
  PhpSiteOptions o{"haproxy", "fixtures/probe/haproxy-services-one-pod.cfg.in", 3,
                   {"BACKEND_HEADER=1"}};
  o.inner_ports = 2;
  return o;
}

PhpSiteOptions apache_jsessionid_route_suffix(char separator) {
  PhpSiteOptions o{"apache",
                   "fixtures/probe/apache-jsessionid-route-suffix.conf.in",
                   2,
                   {"SESSION_COOKIE=JSESSIONID", std::string("SESSION_SUFFIX=") + separator +
                                                     "{{route}}"}};
  o.template_extra = {{"separator", std::string(1, separator)}};
  return o;
}

PhpSiteOptions apache_jsessionid_without_route(char separator, const std::string& form) {
  PhpSiteOptions o = apache_jsessionid_route_suffix(separator);
  o.backend_env = {"SESSION_COOKIE=JSESSIONID", "SESSION_ID_FORM=" + form};
  return o;
}

PhpSiteOptions apache_routeid_without_dot() {
  return {"apache", "fixtures/probe/apache-routeid-without-dot.conf.in", 2, {}};
}

PhpSiteOptions haproxy_cookie_named(const std::string& cookie) {
  PhpSiteOptions o{"haproxy", "fixtures/probe/haproxy-cookie-named.cfg.in", 2, {}};
  o.template_extra = {{"cookie", cookie}};
  return o;
}

PhpSiteOptions haproxy_cookie_insert_no_redispatch() {
  return {"haproxy", "fixtures/probe/haproxy-cookie-insert-no-redispatch.cfg.in", 2, {}};
}

PhpSiteOptions haproxy_stick_table() {
  return {"haproxy", "fixtures/probe/haproxy-stick-table.cfg.in", 2, {}};
}

PhpSiteOptions haproxy_cache_node_header() {
  return {"haproxy", "fixtures/probe/haproxy-cache-node-header.cfg.in", 2, {}};
}

PhpSiteOptions caddy_lb_cookie() {
  return {"caddy", "fixtures/caddy/lb-policy-cookie.Caddyfile.in", 2, {}};
}

}  // namespace sc::test::sites
