#pragma once
// Serves a site with the reference balancer until SIGINT/SIGTERM: one io_context, thread and
// Proxy (with its own upstream connection pools) per worker, the balancers' state shared.
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <functional>
#include <string>

#include "balancer/site_config.hpp"
#include "net/worker_cpus.hpp"
#include "util/result.hpp"

namespace sc {

struct ServiceOptions {
  bool debug_log = false;
  std::chrono::milliseconds client_timeout{30000};   // to read a request or write the answer
  std::chrono::milliseconds backend_timeout{30000};  // a member's answer (then 504)
  std::chrono::milliseconds connect_timeout{3000};   // to connect to a member
  int threads = 1;
  net::CpuAffinity cpu_affinity = net::CpuAffinity::kAuto;  // one worker per CPU (worker_cpus.hpp)
};

// `log` gets every line to print (debug lines, "listening on ..."). An error means the
// listener could not be opened (the address is taken or not ours).
Status serve_site(SiteConfig site, const boost::asio::ip::tcp::endpoint& listen,
                  const ServiceOptions& options,
                  const std::function<void(const std::string&)>& log);

}  // namespace sc
