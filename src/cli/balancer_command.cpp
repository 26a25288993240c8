#include <boost/asio/io_context.hpp>
#include <fmt/format.h>

#include "balancer/apache_conf.hpp"
#include "balancer/proxy.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "net/endpoint.hpp"
#include "net/http_server.hpp"

namespace sc::cli {

namespace {

struct BalancerArgs {
  std::string listen;
  std::string apache_conf;
  std::vector<std::string> members;
  std::vector<std::string> params;
  std::vector<std::string> member_urls;  // replace the members' addresses, in order
  bool debug = false;
  long client_timeout_ms = 30000;
  long backend_timeout_ms = 30000;
  long connect_timeout_ms = 3000;
  int threads = 1;
};

Result<SiteConfig> site_from_args(const BalancerArgs& a) {
  if (!a.apache_conf.empty()) {
    if (!a.members.empty() || !a.params.empty())
      return Error{"--apache-conf cannot be combined with --member or --set"};
    auto site = load_apache_conf(a.apache_conf);
    if (!site) return site.error();
    if (!a.listen.empty()) site->listen = a.listen;
    if (site->listen.empty())
      return Error{fmt::format("{}: no Listen directive; give --listen HOST:PORT", a.apache_conf)};
    return site;
  }
  BalancerConfig config;
  for (const auto& line : a.members) {
    auto m = parse_member(line);
    if (!m) return Error{"--member: " + m.error().message};
    config.members.push_back(*m);
  }
  if (config.members.empty()) return Error{"at least one --member is required"};
  for (const auto& kv : a.params)
    if (auto st = apply_balancer_param(config, kv); !st)
      return Error{fmt::format("--set {}: {}", kv, st.error().message)};
  return single_balancer_site(std::move(config), a.listen.empty() ? "127.0.0.1:8080" : a.listen);
}

// --member-url: the k-th member of the site (in configuration order) gets the k-th URL, so a
// user's own configuration can be put in front of stickycheck's mock backends.
Status override_member_urls(SiteConfig& site, const std::vector<std::string>& urls) {
  if (urls.empty()) return ok_status();
  std::size_t total = 0;
  for (const auto& b : site.balancers) total += b.members.size();
  if (urls.size() != total)
    return Error{fmt::format("--member-url given {} times, but the configuration has {} members",
                             urls.size(), total)};
  std::size_t k = 0;
  for (auto& b : site.balancers) {
    for (auto& m : b.members) {
      auto parsed = parse_member(urls[k++]);
      if (!parsed) return Error{"--member-url: " + parsed.error().message};
      m.url = parsed->url;
      m.host = parsed->host;
      m.port = parsed->port;
      m.path = parsed->path;
    }
  }
  return ok_status();
}

int run_balancer(const BalancerArgs& a) {
  auto site = site_from_args(a);
  if (site) {
    if (auto st = override_member_urls(*site, a.member_urls); !st) site = st.error();
  }
  if (!site) {
    fmt::print(stderr, "stickycheck balancer: {}\n", site.error().message);
    return kExitBadInput;
  }
  for (const auto& n : site->notes) fmt::print(stderr, "stickycheck balancer: note: {}\n", n);
  auto ep = net::parse_endpoint(site->listen);
  if (!ep) {
    fmt::print(stderr, "stickycheck balancer: listen address: {}\n", ep.error().message);
    return kExitBadInput;
  }
  std::size_t members = 0;
  for (const auto& b : site->balancers) members += b.members.size();
  const std::size_t balancers = site->balancers.size();

  ProxyOptions options;
  options.debug_log = a.debug || site->debug_log;
  options.response_timeout = std::chrono::milliseconds(a.backend_timeout_ms);
  options.connect_timeout = std::chrono::milliseconds(a.connect_timeout_ms);
  net::ServerOptions server_options;
  server_options.read_timeout = std::chrono::milliseconds(a.client_timeout_ms);
  server_options.write_timeout = std::chrono::milliseconds(a.client_timeout_ms);
  auto shared_site = std::make_shared<const SiteConfig>(std::move(*site));
  auto balancer_set = std::make_shared<BalancerSet>(*shared_site);
  // One io_context, thread and Proxy (with its own connection pools) per worker.
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts;
  std::vector<std::unique_ptr<Proxy>> proxies;
  std::vector<net::ServerWorker> workers;
  for (int k = 0; k < a.threads; ++k) {
    contexts.push_back(std::make_unique<boost::asio::io_context>(1));
    proxies.push_back(std::make_unique<Proxy>(
        *contexts.back(), shared_site, balancer_set, options,
        [](const std::string& line) { fmt::print(stderr, "{}\n", line); }));
    workers.push_back({contexts.back().get(),
                       [p = proxies.back().get()](net::Request& req) { return p->handle(req); }});
  }
  net::HttpServer server(std::move(workers), server_options);
  if (auto st = server.listen(*ep); !st) {
    fmt::print(stderr, "stickycheck balancer: {}\n", st.error().message);
    return kExitCannotRun;
  }
  server.start();
  fmt::print(stderr,
             "stickycheck balancer: listening on {} with {} balancer{} and {} members, {} "
             "thread{}\n",
             net::to_string(server.local_endpoint()), balancers, balancers == 1 ? "" : "s",
             members, a.threads, a.threads == 1 ? "" : "s");
  std::vector<boost::asio::io_context*> raw;
  for (auto& c : contexts) raw.push_back(c.get());
  net::run_until_signal(raw, server);
  return kExitOk;
}

}  // namespace

Runner add_balancer_command(CLI::App& app) {
  auto args = std::make_shared<BalancerArgs>();
  auto* cmd = app.add_subcommand(
      "balancer", "Run the reference balancer (Apache mod_proxy_balancer semantics)");
  cmd->add_option("--listen", args->listen,
                  "Address to listen on, HOST:PORT (default: the config's Listen, else "
                  "127.0.0.1:8080)");
  cmd->add_option("--apache-conf", args->apache_conf,
                  "Read balancers, ProxyPass, ProxySet, BalancerMember, Header and Listen from "
                  "an Apache httpd configuration file");
  cmd->add_option("--member", args->members,
                  "A BalancerMember: 'http://HOST:PORT route=R loadfactor=N lbset=N "
                  "status=+H redirect=R retry=S'");
  cmd->add_option("--set", args->params,
                  "A ProxySet parameter: stickysession=NAME[|param], stickysessionsep=C|Off, "
                  "scolonpathdelim=On, nofailover=On, forcerecovery=Off, maxattempts=N, "
                  "lbmethod=byrequests|bytraffic|bybusyness");
  cmd->add_option("--member-url", args->member_urls,
                  "Replace the address of the members, in configuration order (repeat once per "
                  "member)");
  cmd->add_option("--client-timeout", args->client_timeout_ms,
                  "Milliseconds a client may take to send a request (idle keep-alive included) "
                  "or to take the answer")
      ->check(CLI::Range(1L, 3600000L))
      ->capture_default_str();
  cmd->add_option("--backend-timeout", args->backend_timeout_ms,
                  "Milliseconds a member may take to answer (then 504), like ProxyTimeout")
      ->check(CLI::Range(1L, 3600000L))
      ->capture_default_str();
  cmd->add_option("--connect-timeout", args->connect_timeout_ms,
                  "Milliseconds to connect to a member before it counts as failed")
      ->check(CLI::Range(1L, 600000L))
      ->capture_default_str();
  cmd->add_option("--threads", args->threads,
                  "Worker threads, each with its own connections; the balancers' state is shared")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cmd->add_flag("-d,--debug", args->debug,
                "Log each decision in httpd's words (LogLevel proxy_balancer:debug)");
  return [args] { return run_balancer(*args); };
}

}  // namespace sc::cli
