#include "runner/apache_site_values.hpp"

#include <fmt/format.h>

#include <functional>

#include "backend/backend_check.hpp"
#include "balancer/apache_conf.hpp"
#include "proxies/apache/apache_syntax.hpp"
#include "scenario/proxy_values.hpp"
#include "util/text.hpp"

namespace sc {

namespace {

struct Place {
  int line = 0;           // 0: not found
  std::string directive;  // as written ("BalancerMember", "ProxySet")
};

// Where `key=value` is written, as httpd splits words; a trailing backslash continues a line.
// The parsed site keeps no line numbers, so the text is searched for the value it was read
// from: the first line that writes it (the one that took effect for a route, as each member
// has its own line).
Place find_param(std::string_view text, std::string_view key,
                 const std::function<bool(std::string_view)>& value_matches) {
  int number = 0, start = 0;
  std::string pending;
  for (auto raw : split(text, '\n')) {
    ++number;
    if (pending.empty()) start = number;
    std::string_view l = raw;
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    pending += std::string(l.substr(0, l.ends_with('\\') ? l.size() - 1 : l.size()));
    if (l.ends_with('\\')) continue;
    const auto w = apache::words(trim(pending));
    pending.clear();
    for (std::size_t i = 1; i < w.size(); ++i) {
      const auto eq = w[i].find('=');
      if (eq != std::string::npos && to_lower(w[i].substr(0, eq)) == key &&
          value_matches(std::string_view(w[i]).substr(eq + 1)))
        return {start, w[0]};
    }
  }
  return {};
}

std::string problem_at(std::string_view text, const std::string& file, std::string_view key,
                       const std::function<bool(std::string_view)>& value_matches,
                       const std::string& message) {
  const Place at = find_param(text, key, value_matches);
  if (at.line == 0) return fmt::format("{}: {}: {}", file, key, message);
  return fmt::format("{}:{}: {} {}: {}", file, at.line, at.directive, key, message);
}

}  // namespace

std::vector<std::string> apache_site_value_problems(const SiteConfig& site, std::string_view text,
                                                    const std::string& file,
                                                    const std::vector<bool>& takes_route) {
  std::vector<std::string> out;
  std::size_t i = 0;
  for (const auto& b : site.balancers)
    for (const auto& m : b.members) {
      BackendOptions o;
      o.route = m.route;
      const bool taken = i < takes_route.size() && takes_route[i++];
      if (!taken) continue;
      for (const auto& p : check_backend_options(o))
        if (p.key == "route")
          out.push_back(problem_at(
              text, file, "route", [&](std::string_view v) { return v == m.route; }, p.message));
    }
  if (site.balancers.empty()) return out;
  // The first balancer's sticky settings are the ones the checks and the diagnosis use.
  const StickyConfig& sticky = site.balancers.front().sticky;
  const auto same_sticky = [&](std::string_view v) {
    const auto c = StickyConfig::from_stickysession(v);
    return c.cookie_name == sticky.cookie_name && c.param_name == sticky.param_name;
  };
  for (const auto& name : {sticky.cookie_name, sticky.param_name})
    if (!name.empty() && !is_http_token(name)) {
      const std::string spec = sticky.cookie_name == sticky.param_name
                                   ? sticky.cookie_name
                                   : sticky.cookie_name + "|" + sticky.param_name;
      out.push_back(
          problem_at(text, file, "stickysession", same_sticky, stickysession_problem(spec)));
      break;
    }
  const std::string sep(1, sticky.separator);
  if (auto why = stickysessionsep_problem(sep); sticky.separator != 0 && !why.empty())
    out.push_back(problem_at(
        text, file, "stickysessionsep",
        [&](std::string_view v) { return v.size() == 1 && v[0] == sticky.separator; }, why));
  return out;
}

}  // namespace sc
