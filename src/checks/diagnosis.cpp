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

}  // namespace

std::vector<std::string> diagnose(const Scenario& s, const Metrics& m) {
  std::vector<std::string> causes;
  const std::string cookie = s.proxy.sticky_cookie();
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
        "first separator, so it never finds one and balances every request afresh; have the "
        "backends set a route cookie such as BALANCEID=balancer.<route> and use "
        "stickysession=BALANCEID, or give the session ids a route suffix (id.<route>)",
        cookie, m.distinct_sticky_values, examples(m), separator_name(sep)));
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
  return causes;
}

}  // namespace sc
