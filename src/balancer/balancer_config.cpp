#include "balancer/balancer_config.hpp"

#include <boost/url/parse.hpp>
#include <fmt/format.h>

#include "util/text.hpp"

namespace sc {

namespace {

bool parse_on_off(std::string_view v, bool& out) {
  std::string lower;
  for (char c : v) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (lower == "on") out = true;
  else if (lower == "off") out = false;
  else return false;
  return true;
}

Status apply_member_param(MemberConfig& m, std::string_view key, std::string_view value) {
  if (key == "route") {
    m.route = std::string(value);
  } else if (key == "loadfactor") {
    double f = 0;
    if (!parse_double(value, f) || f < 1 || f > 100)
      return Error{"LoadFactor must be a number between 1..100"};
    m.loadfactor = f;
  } else if (key == "retry") {
    long long s = 0;
    if (!parse_int(value, s) || s < 0) return Error{"Retry must be a positive value"};
    m.retry = std::chrono::seconds(s);
  } else {
    return Error{fmt::format("unknown Worker parameter '{}'", key)};
  }
  return ok_status();
}

}  // namespace

Result<MemberConfig> parse_member(std::string_view line) {
  auto words = split(trim(line), ' ');
  std::vector<std::string_view> parts;
  for (auto w : words)
    if (!w.empty()) parts.push_back(w);
  if (parts.empty()) return Error{"BalancerMember: missing URL"};
  MemberConfig m;
  m.url = std::string(parts[0]);
  auto url = boost::urls::parse_uri(m.url);
  if (!url || url->scheme() != "http" || url->host().empty())
    return Error{fmt::format("BalancerMember: '{}' is not an http://host:port URL", m.url)};
  m.host = url->host();
  m.port = url->has_port() ? url->port_number() : 80;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    auto eq = parts[i].find('=');
    if (eq == std::string_view::npos)
      return Error{fmt::format("BalancerMember: invalid parameter '{}', expected key=value",
                               parts[i])};
    auto st = apply_member_param(m, parts[i].substr(0, eq), parts[i].substr(eq + 1));
    if (!st) return Error{fmt::format("BalancerMember {}: {}", m.url, st.error().message)};
  }
  return m;
}

Status apply_balancer_param(BalancerConfig& config, std::string_view kv) {
  auto eq = kv.find('=');
  if (eq == std::string_view::npos)
    return Error{fmt::format("invalid balancer parameter '{}', expected key=value", kv)};
  auto key = kv.substr(0, eq);
  auto value = kv.substr(eq + 1);
  if (key == "stickysession") {
    auto sep = config.sticky.separator;
    auto semi = config.sticky.semicolon_delimits;
    config.sticky = StickyConfig::from_stickysession(value);
    config.sticky.separator = sep;
    config.sticky.semicolon_delimits = semi;
  } else if (key == "stickysessionsep") {
    bool on = true;
    if (parse_on_off(value, on) && !on) config.sticky.separator = 0;
    else if (value.size() == 1) config.sticky.separator = value[0];
    else return Error{"stickysessionsep must be a single character or Off"};
  } else if (key == "scolonpathdelim") {
    if (!parse_on_off(value, config.sticky.semicolon_delimits))
      return Error{"scolonpathdelim must be On|Off"};
  } else if (key == "nofailover") {
    if (!parse_on_off(value, config.nofailover)) return Error{"nofailover must be On|Off"};
  } else if (key == "forcerecovery") {
    if (!parse_on_off(value, config.forcerecovery)) return Error{"forcerecovery must be On|Off"};
  } else if (key == "maxattempts") {
    long long n = 0;
    if (!parse_int(value, n) || n < 0) return Error{"maxattempts must be a positive number"};
    config.maxattempts = static_cast<int>(n);
  } else if (key == "lbmethod") {
    if (value != "byrequests")
      return Error{fmt::format("unknown lbmethod '{}' (supported: byrequests)", value)};
    config.lbmethod = LbMethod::kByRequests;
  } else {
    std::string hint = closest_match(key, {"stickysession", "stickysessionsep", "scolonpathdelim",
                                           "nofailover", "forcerecovery", "maxattempts",
                                           "lbmethod"});
    if (key == "failover") hint = "nofailover";
    return Error{fmt::format("unknown Balancer parameter '{}'{}", key,
                             hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint))};
  }
  return ok_status();
}

}  // namespace sc
