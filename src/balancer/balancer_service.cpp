#include "balancer/balancer_service.hpp"

#include <fmt/format.h>

#include <boost/asio/io_context.hpp>

#include "balancer/proxy.hpp"
#include "net/endpoint.hpp"
#include "net/http_server.hpp"

namespace sc {

Status serve_site(SiteConfig site, const boost::asio::ip::tcp::endpoint& listen,
                  const ServiceOptions& o, const std::function<void(const std::string&)>& log) {
  std::size_t members = 0;
  for (const auto& b : site.balancers) members += b.members.size();
  const std::size_t balancers = site.balancers.size();
  ProxyOptions options;
  options.debug_log = o.debug_log || site.debug_log;
  options.response_timeout = o.backend_timeout;
  options.connect_timeout = o.connect_timeout;
  net::ServerOptions server_options;
  server_options.read_timeout = o.client_timeout;
  server_options.write_timeout = o.client_timeout;
  // Bodies go to the member as they arrive, bounded by LimitRequestBody, not by memory.
  server_options.stream_bodies = true;
  server_options.body_limit = site.limit_request_body;
  server_options.log = [log](const std::string& line) { log("stickycheck balancer: " + line); };
  auto shared_site = std::make_shared<const SiteConfig>(std::move(site));
  auto balancer_set = std::make_shared<BalancerSet>(*shared_site);
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts;
  std::vector<std::unique_ptr<Proxy>> proxies;
  std::vector<net::ServerWorker> workers;
  for (int k = 0; k < o.threads; ++k) {
    contexts.push_back(std::make_unique<boost::asio::io_context>(1));
    proxies.push_back(
        std::make_unique<Proxy>(*contexts.back(), shared_site, balancer_set, options, log));
    workers.push_back({contexts.back().get(),
                       [p = proxies.back().get()](net::Request& req, net::Connection& conn) {
                         return p->handle(req, conn);
                       }});
  }
  net::HttpServer server(std::move(workers), server_options);
  if (auto st = server.listen(listen); !st) return st;
  server.start();
  auto allowed = net::allowed_cpus();
  if (!allowed) log("stickycheck balancer: warning: " + allowed.error().message);
  const std::vector<int> usable = allowed ? *allowed : std::vector<int>{};
  const auto cpus = net::plan_worker_cpus(o.threads, usable, o.cpu_affinity);
  log(
      fmt::format("stickycheck balancer: listening on {} with {} balancer{} and {} members, {} "
                  "thread{}, {}",
                  net::to_string(server.local_endpoint()), balancers, balancers == 1 ? "" : "s",
                  members, o.threads, o.threads == 1 ? "" : "s",
                  net::describe_worker_cpus(cpus, o.threads, usable, o.cpu_affinity)));
  std::vector<boost::asio::io_context*> raw;
  for (auto& c : contexts) raw.push_back(c.get());
  net::run_until_signal(raw, server, [&cpus, &log](std::size_t k) {
    if (k >= cpus.size()) return;
    // A worker that cannot be bound still serves, where the scheduler puts it.
    if (auto st = net::pin_current_thread(cpus[k]); !st)
      log("stickycheck balancer: warning: " + st.error().message);
  });
  return ok_status();
}

}  // namespace sc
