#include <boost/asio/io_context.hpp>
#include <fmt/format.h>

#include "balancer/proxy.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "net/endpoint.hpp"
#include "net/http_server.hpp"

namespace sc::cli {

namespace {

struct BalancerArgs {
  std::string listen = "127.0.0.1:8080";
  std::vector<std::string> members;
  std::vector<std::string> params;
  bool debug = false;
};

int run_balancer(const BalancerArgs& a) {
  auto ep = net::parse_endpoint(a.listen);
  if (!ep) {
    fmt::print(stderr, "stickycheck balancer: --listen: {}\n", ep.error().message);
    return kExitBadInput;
  }
  BalancerConfig config;
  for (const auto& line : a.members) {
    auto m = parse_member(line);
    if (!m) {
      fmt::print(stderr, "stickycheck balancer: --member: {}\n", m.error().message);
      return kExitBadInput;
    }
    config.members.push_back(*m);
  }
  if (config.members.empty()) {
    fmt::print(stderr, "stickycheck balancer: at least one --member is required\n");
    return kExitBadInput;
  }
  for (const auto& kv : a.params) {
    if (auto st = apply_balancer_param(config, kv); !st) {
      fmt::print(stderr, "stickycheck balancer: --set {}: {}\n", kv, st.error().message);
      return kExitBadInput;
    }
  }
  boost::asio::io_context ioc(1);
  ProxyOptions options;
  options.debug_log = a.debug;
  Proxy proxy(ioc, config, options, [](const std::string& line) {
    fmt::print(stderr, "{}\n", line);
  });
  net::HttpServer server(
      ioc, [&proxy](net::Request& req) { return proxy.handle(req); }, net::ServerOptions{});
  if (auto st = server.listen(*ep); !st) {
    fmt::print(stderr, "stickycheck balancer: {}\n", st.error().message);
    return kExitCannotRun;
  }
  server.start();
  fmt::print(stderr, "stickycheck balancer: listening on {} with {} members\n",
             net::to_string(server.local_endpoint()), config.members.size());
  net::run_until_signal(ioc, server);
  return kExitOk;
}

}  // namespace

Runner add_balancer_command(CLI::App& app) {
  auto args = std::make_shared<BalancerArgs>();
  auto* cmd = app.add_subcommand(
      "balancer", "Run the reference balancer (Apache mod_proxy_balancer semantics)");
  cmd->add_option("--listen", args->listen, "Address to listen on, HOST:PORT")
      ->capture_default_str();
  cmd->add_option("--member", args->members,
                  "A BalancerMember: 'http://HOST:PORT route=R loadfactor=N retry=S'");
  cmd->add_option("--set", args->params,
                  "A ProxySet parameter: stickysession=NAME[|param], stickysessionsep=C|Off, "
                  "scolonpathdelim=On, nofailover=On, forcerecovery=Off, maxattempts=N, "
                  "lbmethod=byrequests");
  cmd->add_flag("-d,--debug", args->debug,
                "Log each decision in httpd's words (LogLevel proxy_balancer:debug)");
  return [args] { return run_balancer(*args); };
}

}  // namespace sc::cli
