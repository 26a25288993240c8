#include "runner/disturbance_schedule.hpp"

#include <cmath>

namespace sc {

DisturbanceSchedule::DisturbanceSchedule(const std::vector<DisturbanceSpec>& specs,
                                         std::size_t total_requests)
    : total_(total_requests) {
  for (const auto& s : specs) {
    FiredDisturbance f;
    f.spec = s;
    fired_.push_back(std::move(f));
  }
}

bool DisturbanceSchedule::due(const DisturbanceSpec& d, std::size_t done,
                              std::chrono::microseconds elapsed) const {
  if (d.at_share)
    return static_cast<double>(done) >= std::ceil(*d.at_share * static_cast<double>(total_));
  return d.at_time && elapsed >= *d.at_time;
}

void DisturbanceSchedule::tick(std::size_t done, std::chrono::microseconds elapsed,
                               DisturbanceActions& actions, const Clock& now) {
  while (next_ < fired_.size() && due(fired_[next_].spec, done, elapsed)) {
    auto& f = fired_[next_++];
    f.requests_done = done;
    f.began_us = now().count();
    if (auto st = actions.apply(f.spec); !st) f.error = st.error().message;
    f.at_us = now().count();
  }
}

}  // namespace sc
