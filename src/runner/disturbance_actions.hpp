#pragma once
// Carries out a scenario's disturbances on its real children: signals to a backend's process,
// a restart or a late start through the supervisor, and member changes through the reference
// balancer's balancer-manager endpoint.
#include "runner/disturbance_schedule.hpp"
#include "runner/launch_plan.hpp"
#include "runner/supervisor.hpp"

namespace sc {

class ProcessDisturbances : public DisturbanceActions {
 public:
  ProcessDisturbances(Supervisor& sup, const LaunchPlan& plan, const Scenario& scenario)
      : sup_(sup), plan_(plan), scenario_(scenario) {}
  Status apply(const DisturbanceSpec& d) override;

 private:
  const PlannedChild* planned(const std::string& backend) const;
  Status manager(const PlannedChild& backend, const std::string& query);

  Supervisor& sup_;
  const LaunchPlan& plan_;
  const Scenario& scenario_;
};

}  // namespace sc
