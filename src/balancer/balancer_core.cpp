#include "balancer/balancer_core.hpp"

#include <fmt/format.h>

namespace sc {

namespace {
constexpr unsigned kNotUsable = kFlagDisabled | kFlagStopped | kFlagError;
}

BalancerCore::BalancerCore(BalancerConfig config) : config_(std::move(config)) {
  for (const auto& m : config_.members) members_.push_back(MemberState{m, m.status});
}

bool BalancerCore::is_usable(const MemberState& m) { return !(m.status & kNotUsable); }
bool BalancerCore::usable(int member) const { return is_usable(members_.at(member)); }

// httpd's ap_proxy_retry_worker: a member in error is usable again once more than `retry`
// has passed (at once when it ignores errors); a stopped member is never retried.
void BalancerCore::retry(MemberState& m, SteadyTime now, DebugLog& log) {
  if (!(m.status & kFlagError) || (m.status & kFlagStopped)) return;
  if ((m.status & kFlagIgnoreErrors) || now > m.error_time + m.config.retry) {
    m.status &= ~kFlagError;
    log.add("AH00932: BALANCER: worker for ({}) has been marked for retry", m.config.host);
  }
}

std::string BalancerCore::connect_failed(int member, SteadyTime now) {
  auto& m = members_.at(member);
  if (m.status & kFlagIgnoreErrors) return "";
  m.status |= kFlagError;
  m.error_time = now;
  return fmt::format("AH00959: ap_proxy_connect_backend disabling worker for ({}:{}) for {}s",
                     m.config.host, m.config.port, m.config.retry.count());
}

void BalancerCore::finished(int member, long long bytes_sent, long long bytes_read) {
  auto& m = members_.at(member);
  if (m.busy > 0) --m.busy;
  m.transferred += bytes_sent;
  m.read += bytes_read;
}

void BalancerCore::set_flags(int member, unsigned set, unsigned clear) {
  auto& m = members_.at(member);
  m.status = (m.status | set) & ~clear;
}

void BalancerCore::set_weights(int member, double loadfactor, int lbset) {
  auto& m = members_.at(member);
  m.config.loadfactor = loadfactor;
  m.config.lbset = lbset;
}

void BalancerCore::force_recovery(SteadyTime now, DebugLog& log) {
  for (auto& m : members_) {
    if (!(m.status & kFlagError)) return;
    retry(m, now, log);
    if (!(m.status & kFlagError)) return;
  }
  if (!config_.forcerecovery || members_.empty()) return;
  for (auto& m : members_) {
    m.status &= ~kFlagError;
    log.add("AH01165: {}: Forcing recovery for worker ({}:{})", config_.name, m.config.host,
            m.config.port);
  }
}

// First the members that are not hot standbys, then the standbys; an unusable member with a
// redirect hands over to the redirect's route, at most once per member (loop guard).
int BalancerCore::find_route_member(const std::string& route, SteadyTime now, int recursion,
                                    DebugLog& log) {
  for (bool standby_pass : {false, true}) {
    for (std::size_t i = 0; i < members_.size(); ++i) {
      auto& m = members_[i];
      if (static_cast<bool>(m.status & kFlagHotStandby) != standby_pass) continue;
      if (m.config.route.empty() || m.config.route != route) continue;
      if (is_usable(m)) return static_cast<int>(i);
      retry(m, now, log);
      if (is_usable(m)) return static_cast<int>(i);
      if (!m.config.redirect.empty() && recursion < static_cast<int>(members_.size())) {
        int r = find_route_member(m.config.redirect, now, recursion + 1, log);
        if (r >= 0 && !is_usable(members_[r])) retry(members_[r], now, log);
        if (r >= 0 && is_usable(members_[r])) return r;
      }
    }
  }
  return -1;
}

void BalancerCore::account_sticky_hit(int member) {
  // httpd updates lbstatus on sticky hits too, so that sessions count towards the balance.
  long long total = 0;
  for (auto& m : members_) {
    if (!is_usable(m)) continue;
    m.lbstatus += m.config.lbfactor();
    total += m.config.lbfactor();
  }
  members_[member].lbstatus -= total;
  members_[member].elected++;
}

// The lbmethods' is_best callbacks; `baton` is byrequests'/bybusyness' total factor, or
// bytraffic's smallest traffic so far.
bool BalancerCore::is_best(MemberState& current, int prev_best, long long& baton) {
  const MemberState* prev = prev_best >= 0 ? &members_[prev_best] : nullptr;
  const long long lbfactor = current.config.lbfactor();
  switch (config_.lbmethod) {
    case LbMethod::kByRequests:
      current.lbstatus += lbfactor;
      baton += lbfactor;
      return !prev || current.lbstatus > prev->lbstatus;
    case LbMethod::kByBusyness:
      current.lbstatus += lbfactor;
      baton += lbfactor;
      return !prev || current.busy < prev->busy ||
             (current.busy == prev->busy && current.lbstatus > prev->lbstatus);
    case LbMethod::kByTraffic: {
      long long traffic = current.transferred / lbfactor + current.read / lbfactor;
      if (!prev || traffic < baton) {
        baton = traffic;
        return true;
      }
      return false;
    }
  }
  return false;
}

// httpd's ap_proxy_balancer_get_best_worker: lbsets in order; in a set, draining members are
// skipped (and count as unusable when they are plain members), spares replace unusable members
// one for one, standbys are the last resort.
int BalancerCore::best_member(SteadyTime now, DebugLog& log) {
  log.add("AH10122: proxy: Entering {} for BALANCER ({})", to_string(config_.lbmethod),
          config_.name);
  long long baton = 0;
  int best = -1;
  int max_lbset = 0;
  for (int lbset = 0; best < 0 && lbset <= max_lbset; ++lbset) {
    int unusable = 0;
    std::vector<int> spares, standbys;
    for (std::size_t i = 0; i < members_.size(); ++i) {
      auto& m = members_[i];
      max_lbset = std::max(max_lbset, m.config.lbset);
      if (m.config.lbset != lbset) continue;
      if (m.status & kFlagDrain) {
        if (!(m.status & (kFlagHotSpare | kFlagHotStandby))) ++unusable;
        continue;
      }
      if (!is_usable(m)) retry(m, now, log);
      if (m.status & kFlagHotSpare) {
        if (is_usable(m)) spares.push_back(static_cast<int>(i));
      } else if (m.status & kFlagHotStandby) {
        if (is_usable(m)) standbys.push_back(static_cast<int>(i));
      } else if (is_usable(m)) {
        if (is_best(m, best, baton)) best = static_cast<int>(i);
      } else {
        ++unusable;
      }
    }
    for (std::size_t k = 0; k < spares.size() && static_cast<int>(k) < unusable; ++k)
      if (is_best(members_[spares[k]], best, baton)) best = spares[k];
    if (best < 0)
      for (int s : standbys)
        if (is_best(members_[s], best, baton)) best = s;
  }
  if (best >= 0) {
    auto& m = members_[best];
    log.add("AH10123: proxy: {} selected worker \"{}\" : busy {} : lbstatus {}",
            to_string(config_.lbmethod), m.config.url, m.busy, m.lbstatus);
    if (config_.lbmethod != LbMethod::kByTraffic) m.lbstatus -= baton;
    m.elected++;
  }
  return best;
}

Decision BalancerCore::choose(std::string_view url, std::string_view cookie_header,
                              SteadyTime now, bool debug) {
  return choose(find_sticky(config_.sticky, url, cookie_header), now, debug);
}

Decision BalancerCore::choose(StickyLookup sticky, SteadyTime now, bool debug) {
  Decision d;
  DebugLog log(debug ? &d.log : nullptr);
  force_recovery(now, log);
  d.sticky = std::move(sticky);
  if (d.sticky.value) {
    log.add("{}: Found value {} for stickysession {}", d.sticky.from_url ? "AH01159" : "AH01160",
            *d.sticky.value, d.sticky.source_name);
  }
  if (d.sticky.route) {
    const std::string& route = *d.sticky.route;
    log.add("AH01161: Found route {}", route);
    int m = find_route_member(route, now, 1, log);
    if (m >= 0) {
      if (members_[m].config.route != route) {
        d.route_changed = true;
        log.add("AH01162: Route changed from {} to {}", route, members_[m].config.route);
      }
      account_sticky_hit(m);
      members_[m].busy++;
      d.member = m;
      return d;
    }
    if (config_.nofailover) {
      for (const auto& member : members_) {
        if (member.config.route == route) {
          log.add("AH01167: {}: All workers are in error state for route ({})", config_.name,
                  route);
          d.status = 503;
          return d;
        }
      }
    }
  }
  int best = best_member(now, log);
  if (best < 0) {
    if (members_.empty())
      log.add("AH01171: {}: No workers in balancer", config_.name);
    else
      log.add("AH01170: {}: All workers are in error state", config_.name);
    d.status = 503;
    return d;
  }
  members_[best].busy++;
  d.member = best;
  // With a stickysession configured, every balanced choice counts as a route change.
  d.route_changed = !config_.sticky.cookie_name.empty();
  return d;
}

}  // namespace sc
