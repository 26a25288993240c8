#pragma once
// The request rate's slots, one every 1/rate, each handed to one of the sessions ready for it,
// chosen at random (from the run's seed). Taking them in the order the sessions asked keeps
// sessions in lockstep: they go out in a fixed rotation, and a rotation through a round robin
// of as many servers (or a divisor) lands every session on one server, so a balancer that
// sticks by nothing looks sticky. A random turn breaks the rotation whatever the pauses.
// Pure: the caller passes the time. Internal to the driver.
#include <chrono>
#include <cstddef>
#include <optional>
#include <random>
#include <vector>

#include "driver/drive_loop.hpp"

namespace sc::detail {

template <class Waiter>
class RateGate {
 public:
  using Clock = DriveClock;
  RateGate(double rate, unsigned seed)
      : gap_(
            std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / rate))),
        rng_(seed) {}

  // A session whose request may go once the gate gives it a slot.
  void ready(Waiter w) { ready_.push_back(w); }
  bool empty() const { return ready_.empty(); }
  // When the next slot opens (it may have opened already).
  Clock::time_point next_slot() const { return next_; }

  // The session whose turn it is at `now`: one of the ready ones, when a slot is open.
  std::optional<Waiter> release(Clock::time_point now) {
    if (ready_.empty() || now < next_) return std::nullopt;
    std::uniform_int_distribution<std::size_t> pick(0, ready_.size() - 1);
    const std::size_t i = pick(rng_);
    Waiter chosen = ready_[i];
    ready_[i] = ready_.back();
    ready_.pop_back();
    next_ = now + gap_;  // never two slots closer than 1/rate, however late this one was
    return chosen;
  }

 private:
  Clock::duration gap_;
  Clock::time_point next_{};
  std::vector<Waiter> ready_;
  std::mt19937 rng_;
};

}  // namespace sc::detail
