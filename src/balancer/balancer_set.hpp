#pragma once
// The balancers' decision state shared by the worker threads' proxies. httpd keeps the same
// state (lbstatus, elected, error flags) in shared memory for all its children; here one lock
// guards it. Decisions are a few hundred nanoseconds, so one lock does not limit throughput.
#include <pthread.h>

#include <mutex>
#include <vector>

#include "balancer/balancer_core.hpp"
#include "balancer/site_config.hpp"

namespace sc {

// glibc's adaptive mutex: a thread that finds it held spins a little before it sleeps. The
// holds here are a decision long, far shorter than a sleep: with std::mutex two workers met
// about 3,000 times a second under load, and each meeting put one to sleep and woke it with
// two futex calls and a context switch.
class AdaptiveMutex {
 public:
  AdaptiveMutex() {
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
    pthread_mutex_init(&m_, &attr);
    pthread_mutexattr_destroy(&attr);
  }
  ~AdaptiveMutex() { pthread_mutex_destroy(&m_); }
  AdaptiveMutex(const AdaptiveMutex&) = delete;
  AdaptiveMutex& operator=(const AdaptiveMutex&) = delete;
  void lock() { pthread_mutex_lock(&m_); }
  void unlock() { pthread_mutex_unlock(&m_); }

 private:
  pthread_mutex_t m_;
};

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
  AdaptiveMutex mutex_;
  std::vector<BalancerCore> cores_;
};

}  // namespace sc
