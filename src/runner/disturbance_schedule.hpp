#pragma once
// When the scenario's disturbances fire: pure bookkeeping over (requests done, time elapsed),
// with the action itself behind an interface (signals and HTTP in a run, a fake in tests).
#include <chrono>
#include <functional>
#include <vector>

#include "checks/failover.hpp"
#include "util/result.hpp"

namespace sc {

class DisturbanceActions {
 public:
  virtual ~DisturbanceActions() = default;
  virtual Status apply(const DisturbanceSpec& d) = 0;
};

class DisturbanceSchedule {
 public:
  DisturbanceSchedule(const std::vector<DisturbanceSpec>& specs, std::size_t total_requests);

  // Fires, in scenario order, every disturbance that is due; one never fires before the ones
  // listed ahead of it (so "stop at 2s, resume at 40%" cannot resume first). A disturbance's
  // time is when its action is complete (a killed backend is gone then): `now` tells it.
  using Clock = std::function<std::chrono::microseconds()>;
  void tick(std::size_t requests_done, std::chrono::microseconds elapsed,
            DisturbanceActions& actions, const Clock& now);
  bool pending() const { return next_ < fired_.size(); }
  const std::vector<FiredDisturbance>& fired() const { return fired_; }

 private:
  bool due(const DisturbanceSpec& d, std::size_t done, std::chrono::microseconds elapsed) const;

  std::vector<FiredDisturbance> fired_;
  std::size_t total_;
  std::size_t next_ = 0;
};

}  // namespace sc
