#pragma once
// The balancers' decision state shared by the worker threads' proxies. httpd keeps the same
// state (lbstatus, elected, error flags) in shared memory for all its children; here one lock
// guards it. Decisions are a few hundred nanoseconds, so one lock does not limit throughput.
#include <mutex>
#include <vector>

#include "balancer/balancer_core.hpp"
#include "balancer/site_config.hpp"

namespace sc {

class BalancerSet {
 public:
  explicit BalancerSet(const SiteConfig& site) {
    for (const auto& b : site.balancers) cores_.emplace_back(b);
  }

  // Runs f(cores) under the lock; what it returns must not refer into the cores.
  template <class F>
  auto with(F&& f) {
    std::lock_guard lock(mutex_);
    return f(cores_);
  }
  template <class F>
  auto with(int balancer, F&& f) {
    std::lock_guard lock(mutex_);
    return f(cores_[balancer]);
  }
  // A balancer's configuration never changes after start-up: no lock needed.
  // Nor does a member's (only its state does).
  const BalancerConfig& config(int balancer) const { return cores_[balancer].config(); }
  const MemberConfig& member(int balancer, int member) const {
    return cores_[balancer].members()[member].config;
  }

 private:
  std::mutex mutex_;
  std::vector<BalancerCore> cores_;
};

}  // namespace sc
