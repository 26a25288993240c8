#include "balancer/balancer_config.hpp"

#include <boost/url/parse.hpp>
#include <fmt/format.h>

#include "causes/causes.hpp"
#include "util/text.hpp"

namespace sc {

namespace {

bool parse_on_off(std::string_view v, bool& out) {
  const std::string lower = to_lower(v);
  if (lower == "on") out = true;
  else if (lower == "off") out = false;
  else return false;
  return true;
}

}  // namespace

unsigned flag_for_letter(char c) {
  switch (std::toupper(static_cast<unsigned char>(c))) {
    case 'D': return kFlagDisabled;
    case 'S': return kFlagStopped;
    case 'E': return kFlagError;
    case 'N': return kFlagDrain;
    case 'H': return kFlagHotStandby;
    case 'R': return kFlagHotSpare;
    case 'I': return kFlagIgnoreErrors;
  }
  return 0;
}

std::string flag_letters(unsigned flags) {
  std::string out;
  for (char c : std::string_view("DSENHRI"))
    if (flags & flag_for_letter(c)) out.push_back(c);
  return out;
}

const char* to_string(LbMethod m) {
  switch (m) {
    case LbMethod::kByRequests: return "byrequests";
    case LbMethod::kByTraffic: return "bytraffic";
    case LbMethod::kByBusyness: return "bybusyness";
  }
  return "?";
}

Status apply_member_param(MemberConfig& m, std::string_view key, std::string_view value) {
  const std::string k = to_lower(key);
  if (k == "route") {
    m.route = std::string(value);
  } else if (k == "redirect") {
    m.redirect = std::string(value);
  } else if (k == "upgrade") {
    // httpd takes a protocol name (or ANY); the tunnel here carries WebSocket only.
    const std::string protocol = to_lower(value);
    if (protocol != "websocket" && protocol != "any")
      return Error{fmt::format("upgrade={} is not modelled (upgrade=websocket is)", value)};
    m.websocket = true;
  } else if (k == "loadfactor") {
    double f = 0;
    if (!parse_double(value, f) || !(f >= 1 && f <= 100))  // refuses nan as well
      return Error{"LoadFactor must be a number between 1..100"};
    m.loadfactor = f;
  } else if (k == "lbset") {
    long long n = 0;
    if (!parse_int(value, n) || n < 0 || n > 99) return Error{"lbset must be between 0 and 99"};
    m.lbset = static_cast<int>(n);
  } else if (k == "retry") {
    long long s = 0;
    if (!parse_int(value, s) || s < 0) return Error{"Retry must be a positive value"};
    m.retry = std::chrono::seconds(s);
  } else if (k == "status") {
    bool set = true;
    for (std::size_t i = 0; i < value.size(); ++i) {
      char c = value[i];
      if (c == '+' || c == '-') {
        set = c == '+';
        if (++i >= value.size()) break;
        c = value[i];
      }
      unsigned f = flag_for_letter(c);
      if (!f) return Error{"Unknown status parameter option"};
      m.status = set ? (m.status | f) : (m.status & ~f);
    }
  } else {
    return Error{fmt::format("unknown Worker parameter '{}'", key)};
  }
  return ok_status();
}

Result<MemberConfig> parse_member(std::string_view line) {
  std::vector<std::string_view> parts;
  for (auto w : split(trim(line), ' '))
    if (!w.empty()) parts.push_back(w);
  if (parts.empty()) return Error{"BalancerMember: missing URL"};
  MemberConfig m;
  m.url = std::string(parts[0]);
  auto url = boost::urls::parse_uri(m.url);
  if (!url || (url->scheme() != "http" && url->scheme() != "ws") || url->host().empty())
    return Error{fmt::format("BalancerMember: '{}' is not an http://host:port (or ws://) URL",
                             m.url)};
  m.websocket = url->scheme() == "ws";
  m.host = url->host();
  m.port = url->has_port() ? url->port_number() : 80;
  m.path = url->encoded_path();
  if (m.path == "/") m.path.clear();
  for (std::size_t i = 1; i < parts.size(); ++i) {
    auto eq = parts[i].find('=');
    if (eq == std::string_view::npos)
      return Error{fmt::format("BalancerMember {}: invalid parameter '{}', expected key=value",
                               m.url, parts[i])};
    auto st = apply_member_param(m, parts[i].substr(0, eq), parts[i].substr(eq + 1));
    if (!st) return Error{fmt::format("BalancerMember {}: {}", m.url, st.error().message)};
  }
  return m;
}

Status apply_balancer_param(BalancerConfig& config, std::string_view kv) {
  auto eq = kv.find('=');
  if (eq == std::string_view::npos)
    return Error{fmt::format("invalid balancer parameter '{}', expected key=value", kv)};
  const std::string key = to_lower(kv.substr(0, eq));
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
    if (!parse_on_off(value, config.nofailover)) return Error{"failover must be On|Off"};
  } else if (key == "forcerecovery") {
    if (!parse_on_off(value, config.forcerecovery)) return Error{"forcerecovery must be On|Off"};
  } else if (key == "maxattempts") {
    long long n = 0;
    if (!parse_int(value, n) || n < 0) return Error{"maximum number of attempts must be a positive number"};
    config.maxattempts = static_cast<int>(n);
  } else if (key == "lbmethod") {
    if (value == "byrequests") config.lbmethod = LbMethod::kByRequests;
    else if (value == "bytraffic") config.lbmethod = LbMethod::kByTraffic;
    else if (value == "bybusyness") config.lbmethod = LbMethod::kByBusyness;
    else
      return Error{fmt::format("unknown lbmethod '{}' (supported: byrequests, bytraffic, "
                               "bybusyness)", value)};
  } else if (key == "nonce") {
    config.nonce = to_lower(value) == "none" ? std::string() : std::string(value);
  } else if (auto unknown = unknown_balancer_parameter(kv.substr(0, eq)); !unknown.empty()) {
    return Error{unknown};  // httpd's own words, as lint says them
  } else {
    return Error{fmt::format("Balancer parameter '{}' is not supported by the reference balancer",
                             kv.substr(0, eq))};
  }
  return ok_status();
}

}  // namespace sc
