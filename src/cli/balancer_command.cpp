#include <fmt/format.h>

#include "balancer/balancer_service.hpp"
#include "balancer/site_assembly.hpp"
#include "checks/verdict.hpp"
#include "cli/commands.hpp"
#include "net/endpoint.hpp"
#include "util/text.hpp"

namespace sc::cli {

namespace {

struct BalancerArgs {
  SiteSources site;
  bool debug = false;
  long client_timeout_ms = 30000;
  long backend_timeout_ms = 30000;
  long connect_timeout_ms = 3000;
  int threads = 1;
  std::string cpu_affinity = "auto";
};

int run_balancer(const BalancerArgs& a) {
  auto site = assemble_site(a.site);
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
  ServiceOptions options;
  options.debug_log = a.debug;
  options.client_timeout = std::chrono::milliseconds(a.client_timeout_ms);
  options.backend_timeout = std::chrono::milliseconds(a.backend_timeout_ms);
  options.connect_timeout = std::chrono::milliseconds(a.connect_timeout_ms);
  options.threads = a.threads;
  options.cpu_affinity =
      a.cpu_affinity == "none" ? net::CpuAffinity::kNone : net::CpuAffinity::kAuto;
  auto served = serve_site(std::move(*site), *ep, options,
                           [](const std::string& line) { fmt::print(stderr, "{}\n", line); });
  if (!served) {
    fmt::print(stderr, "stickycheck balancer: {}\n", served.error().message);
    return kExitCannotRun;
  }
  return kExitOk;
}

}  // namespace

Runner add_balancer_command(CLI::App& app) {
  auto args = std::make_shared<BalancerArgs>();
  auto* cmd = app.add_subcommand(
      "balancer", "Run the reference balancer (Apache mod_proxy_balancer semantics)");
  cmd->add_option("--listen", args->site.listen,
                  "Address to listen on, HOST:PORT (default: the config's Listen, else "
                  "127.0.0.1:8080)");
  cmd->add_option("--apache-conf", args->site.apache_conf,
                  "Read balancers, ProxyPass, ProxySet, BalancerMember, Header and Listen from "
                  "an Apache httpd configuration file");
  cmd->add_option("--member", args->site.members,
                  "A BalancerMember: 'http://HOST:PORT route=R loadfactor=N lbset=N "
                  "status=+H redirect=R retry=S'");
  cmd->add_option("--set", args->site.params,
                  "A ProxySet parameter: stickysession=NAME[|param], stickysessionsep=C|Off, "
                  "scolonpathdelim=On, nofailover=On, forcerecovery=Off, maxattempts=N, "
                  "lbmethod=byrequests|bytraffic|bybusyness");
  cmd->add_option("--member-url", args->site.member_urls,
                  "Replace the address of the members, in configuration order (repeat once per "
                  "member)");
  cmd->add_option("--manager", args->site.manager_path,
                  "Serve the balancer-manager (JSON) at this path to local clients only, as "
                  "<Location PATH> SetHandler balancer-manager with Require local");
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
  cmd->add_option("--cpu-affinity", args->cpu_affinity,
                  "auto: with 2 or more threads, each worker thread on a CPU of its own (when "
                  "the process may use that many); none: the scheduler places them")
      ->check(CLI::IsMember({"auto", "none"}, choice_key))
      ->capture_default_str();
  cmd->add_flag("-d,--debug", args->debug,
                "Log each decision in httpd's words (LogLevel proxy_balancer:debug)");
  return [args] { return run_balancer(*args); };
}

}  // namespace sc::cli
