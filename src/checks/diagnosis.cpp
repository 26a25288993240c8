#include <fmt/format.h>

#include "checks/checks.hpp"

namespace sc {

namespace {

std::string separator_name(char sep) { return fmt::format("'{}'", sep); }

std::string examples(const Metrics& m) {
  std::string out;
  for (const auto& v : m.sticky_value_examples) out += (out.empty() ? "" : ", ") + v;
  return out;
}

// Nearly every moved session moved once, right after its first request: that request was
// balanced without the key the later ones are balanced by.
std::string moved_after_first(const Metrics& m) {
  const long long moved = m.sessions - m.sticky_sessions;
  if (moved == 0 || m.sessions_moved_after_first_only * 10 < moved * 9) return "";
  return fmt::format(
      "{} of the {} sessions that moved did so only between their first and second request "
      "and stayed put afterwards: the first request carries no cookie yet, so the proxy "
      "balanced it without the key it sticks by (nginx `hash $cookie_NAME` hashes an empty "
      "key, which falls back to round robin), and the second request, hashed by the cookie "
      "the first backend set, went elsewhere about (n-1)/n of the time, where the session "
      "was unknown; stick by a cookie the proxy sets itself (HAProxy `cookie ... insert`, "
      "Caddy `lb_policy cookie`, Apache's route cookie) instead",
      m.sessions_moved_after_first_only, moved);
}

}  // namespace

std::string route_cookie_remedy() {
  return "add a route cookie at the balancer, with no change to the application (the Apache "
         "manual's recipe): Header add Set-Cookie \"ROUTEID=.%{BALANCER_WORKER_ROUTE}e; path=/\" "
         "env=BALANCER_ROUTE_CHANGED with stickysession=ROUTEID; or have the backends set a "
         "route cookie such as BALANCEID=balancer.<route> and use stickysession=BALANCEID, or "
         "give the session ids a route suffix (id.<route>)";
}

std::vector<std::string> diagnose(const Scenario& s, const Metrics& m) {
  std::vector<std::string> causes;
  // The Apache-style sticky cookie first, which mod_proxy_balancer and the reference balancer
  // (and a scenario naming its cookie) route by; then the moves themselves.
  const bool apache_like = s.proxy.type == "reference" || s.proxy.type == "apache";
  const std::string cookie = s.proxy.sticky_cookie();
  if (cookie.empty() && !apache_like) {
    if (auto why = moved_after_first(m); !why.empty()) causes.push_back(why);
    return causes;
  }
  if (cookie.empty()) {
    causes.push_back(
        "no stickysession is configured, so the balancer balances every request afresh");
    return causes;
  }
  const char sep = s.proxy.separator();
  if (m.requests_with_sticky_cookie == 0) {
    causes.push_back(fmt::format(
        "no request reached a backend carrying the sticky cookie {}: the client never sent it "
        "back (it was never set, or its Path, Domain, Secure or SameSite kept it from being "
        "sent), so the balancer had nothing to route by",
        cookie));
    return causes;
  }
  if (sep != 0 && m.sticky_values_with_separator == 0) {
    causes.push_back(fmt::format(
        "the sticky cookie {} carries no route: none of the {} distinct values seen (e.g. {}) "
        "contains the separator {}, and mod_proxy_balancer takes the route from after the "
        "first separator, so it never finds one and balances every request afresh; {}",
        cookie, m.distinct_sticky_values, examples(m), separator_name(sep), route_cookie_remedy()));
    return causes;
  }
  // Values carry routes: do they name a member?
  std::vector<std::string> routes;
  for (const auto& b : s.backends) routes.push_back(b.options.route);
  long long matching = 0;
  for (const auto& v : m.sticky_value_examples) {
    auto pos = sep == 0 ? std::string::npos : v.find(sep);
    std::string route = sep == 0 ? v : (pos == std::string::npos ? "" : v.substr(pos + 1));
    for (const auto& r : routes)
      if (r == route) ++matching;
  }
  if (!m.sticky_value_examples.empty() && matching == 0) {
    std::string list;
    for (const auto& r : routes) list += (list.empty() ? "" : ", ") + r;
    causes.push_back(fmt::format(
        "the routes in the sticky cookie {} (e.g. {}) match no member's route ({}); route "
        "matching is exact and case-sensitive, and the route is everything after the first "
        "separator {}",
        cookie, examples(m), list, sep == 0 ? std::string("(Off: the whole value)") : separator_name(sep)));
  }
  if (causes.empty())
    if (auto why = moved_after_first(m); !why.empty()) causes.push_back(why);
  return causes;
}

}  // namespace sc

namespace sc {

std::string diagnose_distribution(const Scenario& s, const Metrics& m) {
  long long total = 0, top = 0;
  std::string top_name;
  for (const auto& [name, f] : m.backends) {
    total += f.first_requests;
    if (f.first_requests > top) top = f.first_requests, top_name = name;
  }
  if (total == 0 || top != total || s.backends.size() < 2) return "";
  if (s.traffic.source_per_session)
    return fmt::format(
        "all {} new sessions went to {}, although they came from many "
        "addresses: the balancer is not spreading new sessions at all",
        total, top_name);
  return fmt::format(
      "all {} new sessions went to {}, and all came from the one address 127.0.0.1: a "
      "balancer that picks the backend by client address (nginx ip_hash, which hashes only "
      "the first three octets of an IPv4 address; HAProxy balance source; Caddy ip_hash) "
      "sends one client, one NAT gateway or one /24 to one backend; traffic.source_addresses: "
      "per_session gives every session its own address in 127.0.0.0/8",
      total, top_name);
}

}  // namespace sc
