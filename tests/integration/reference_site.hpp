#pragma once
// A deployment the probe tests did not let stickycheck start: mock backends behind the
// reference balancer, each started by the test through the real binary.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "harness.hpp"
#include "runner/ports.hpp"

namespace sc::test {

// Two mock backends (www1, www2) behind the reference balancer, which sticks by the route
// cookie the backends set (BALANCEID=balancer.<route>) or by `sticky` when given; with an
// `id_separator`, the backends' session ids end in it and their route, and the balancer reads
// the route after it (stickysessionsep).
class Deployment {
 public:
  explicit Deployment(const std::string& sticky = "BALANCEID", bool route_cookie = true,
                      char id_separator = 0) {
    auto ports = allocate_loopback_ports(3);
    EXPECT_TRUE(ports.ok());
    if (!ports.ok()) return;
    port_ = (*ports)[0];
    for (int i = 1; i <= 2; ++i) {
      std::vector<std::string> args = {"backend", "--name", "www" + std::to_string(i),
                                       "--listen", "127.0.0.1:" + std::to_string((*ports)[i]),
                                       "--strict"};
      if (route_cookie)
        args.insert(args.end(), {"--route-cookie", "BALANCEID=balancer.{route}; path=/"});
      if (id_separator)
        args.insert(args.end(),
                    {"--id-style", "suffix", "--id-separator", std::string(1, id_separator)});
      children_.push_back(std::make_unique<CliProcess>(args));
    }
    std::vector<std::string> balancer = {"balancer", "--listen",
                                         "127.0.0.1:" + std::to_string(port_)};
    for (int i = 1; i <= 2; ++i)
      balancer.insert(balancer.end(),
                      {"--member", "http://127.0.0.1:" + std::to_string((*ports)[i]) +
                                       " route=www" + std::to_string(i)});
    balancer.insert(balancer.end(), {"--set", "stickysession=" + sticky});
    if (id_separator)
      balancer.insert(balancer.end(),
                      {"--set", "stickysessionsep=" + std::string(1, id_separator)});
    children_.push_back(std::make_unique<CliProcess>(balancer));
    for (auto p : *ports)
      EXPECT_TRUE(wait_until([p] { return port_accepts(p); }, std::chrono::seconds(5))) << p;
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }

 private:
  std::uint16_t port_ = 0;
  std::vector<std::unique_ptr<CliProcess>> children_;
};

}  // namespace sc::test
