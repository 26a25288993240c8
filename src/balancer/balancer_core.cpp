#include "balancer/balancer_core.hpp"

#include <fmt/format.h>

namespace sc {

BalancerCore::BalancerCore(BalancerConfig config) : config_(std::move(config)) {
  for (const auto& m : config_.members) members_.push_back(MemberState{m});
}

// A member in error becomes usable again once its retry period has passed (httpd's
// ap_proxy_retry_worker), in the sticky and the balancing path alike.
bool BalancerCore::usable(MemberState& m, SteadyTime now) {
  if (!m.in_error) return true;
  if (now - m.error_time >= m.config.retry) m.in_error = false;
  return !m.in_error;
}

void BalancerCore::mark_error(int member, SteadyTime now) {
  if (member < 0 || member >= static_cast<int>(members_.size())) return;
  members_[member].in_error = true;
  members_[member].error_time = now;
}

int BalancerCore::find_route_member(const std::string& route, SteadyTime now) {
  // Duplicate routes are allowed: the first usable one in config order wins.
  for (std::size_t i = 0; i < members_.size(); ++i) {
    auto& m = members_[i];
    if (m.config.route.empty() || m.config.route != route) continue;
    if (usable(m, now)) return static_cast<int>(i);
  }
  return -1;
}

void BalancerCore::account_sticky_hit(int member, SteadyTime now) {
  // httpd updates lbstatus on sticky hits too, so that sessions count towards the balance.
  long long total = 0;
  for (auto& m : members_) {
    if (!usable(m, now)) continue;
    m.lbstatus += m.config.lbfactor();
    total += m.config.lbfactor();
  }
  members_[member].lbstatus -= total;
  members_[member].elected++;
}

int BalancerCore::best_byrequests(SteadyTime now, std::vector<std::string>& log) {
  long long total = 0;
  int best = -1;
  for (std::size_t i = 0; i < members_.size(); ++i) {
    auto& m = members_[i];
    if (!usable(m, now)) continue;
    m.lbstatus += m.config.lbfactor();
    total += m.config.lbfactor();
    if (best < 0 || m.lbstatus > members_[best].lbstatus) best = static_cast<int>(i);
  }
  if (best >= 0) {
    members_[best].lbstatus -= total;
    members_[best].elected++;
    log.push_back(fmt::format("AH10123: proxy: byrequests selected worker \"{}\" : busy 0 : "
                              "lbstatus {}",
                              members_[best].config.url, members_[best].lbstatus));
  }
  return best;
}

Decision BalancerCore::choose(std::string_view url, std::string_view cookie_header,
                              SteadyTime now) {
  Decision d;
  d.sticky = find_sticky(config_.sticky, url, cookie_header);
  if (d.sticky.value) {
    d.log.push_back(fmt::format("{}: Found value {} for stickysession {}",
                                d.sticky.from_url ? "AH01159" : "AH01160", *d.sticky.value,
                                d.sticky.source_name));
  }
  if (d.sticky.route) {
    d.log.push_back(fmt::format("AH01161: Found route {}", *d.sticky.route));
    int m = find_route_member(*d.sticky.route, now);
    if (m >= 0) {
      account_sticky_hit(m, now);
      d.member = m;
      return d;
    }
    if (config_.nofailover) {
      for (const auto& member : members_) {
        if (member.config.route == *d.sticky.route) {
          d.log.push_back(fmt::format("AH01167: {}: All workers are in error state for route ({})",
                                      config_.name, *d.sticky.route));
          d.status = 503;
          return d;
        }
      }
    }
  }

  d.log.push_back(fmt::format("AH10122: proxy: Entering byrequests for BALANCER ({})",
                              config_.name));
  int best = best_byrequests(now, d.log);
  if (best < 0 && config_.forcerecovery && !members_.empty()) {
    // Every member is in error and none recovered by retry: httpd clears them all.
    for (auto& m : members_) m.in_error = false;
    best = best_byrequests(now, d.log);
  }
  if (best < 0) {
    d.log.push_back(fmt::format("AH01170: {}: All workers are in error state", config_.name));
    d.status = 503;
    return d;
  }
  d.member = best;
  // A configured stickysession marks every balanced (non-sticky) choice as a route change.
  d.route_changed = !config_.sticky.cookie_name.empty() || !config_.sticky.param_name.empty();
  return d;
}

}  // namespace sc
