#include "balancer/manager.hpp"

#include <boost/url/parse.hpp>
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <optional>

#include "util/text.hpp"

namespace sc {

namespace http = net::http;

namespace {

nlohmann::json state(const std::vector<BalancerCore>& balancers) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& core : balancers) {
    const auto& c = core.config();
    nlohmann::json members = nlohmann::json::array();
    for (const auto& m : core.members()) {
      std::string flags = flag_letters(m.status);
      members.push_back({{"url", m.config.url},
                         {"route", m.config.route},
                         {"redirect", m.config.redirect},
                         {"loadfactor", m.config.loadfactor},
                         {"lbset", m.config.lbset},
                         {"status", flags.empty() ? "Ok" : flags},
                         {"elected", m.elected},
                         {"lbstatus", m.lbstatus},
                         {"busy", m.busy},
                         {"transferred", m.transferred},
                         {"read", m.read}});
    }
    out.push_back({{"name", c.name},
                   {"nonce", c.nonce.value_or("")},
                   {"stickysession", c.sticky.cookie_name == c.sticky.param_name
                                         ? c.sticky.cookie_name
                                         : c.sticky.cookie_name + "|" + c.sticky.param_name},
                   {"lbmethod", to_string(c.lbmethod)},
                   {"nofailover", c.nofailover},
                   {"forcerecovery", c.forcerecovery},
                   {"maxattempts", c.effective_maxattempts()},
                   {"members", members}});
  }
  return {{"balancers", out}};
}

net::Response answer(http::status status, unsigned version, const nlohmann::json& body) {
  net::Response res{status, version};
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  res.body() = body.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  res.prepare_payload();
  return res;
}

net::Response error(unsigned version, http::status status, const std::string& message) {
  return answer(status, version, {{"error", message}});
}

bool parse_flags(const std::string& letters, unsigned& out) {
  out = 0;
  for (char c : letters) {
    unsigned f = flag_for_letter(c);
    if (!f) return false;
    out |= f;
  }
  return true;
}

// "127.0.0.1:8080" of "http://127.0.0.1:8080/x", lower-cased; "" when it has none.
std::string authority_of(std::string_view url) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed || !parsed->has_authority()) return "";
  const auto a = parsed->encoded_authority();
  return to_lower(std::string_view(a.data(), a.size()));
}

// A name a DNS rebinding page could use (evil.example resolving to 127.0.0.1) is refused:
// the manager is reached by address or as localhost.
bool host_names_an_address(std::string_view host) {
  auto parsed = boost::urls::parse_authority(host);
  if (!parsed) return false;
  const auto type = parsed->host_type();
  const auto name = parsed->encoded_host();
  return type == boost::urls::host_type::ipv4 || type == boost::urls::host_type::ipv6 ||
         to_lower(std::string_view(name.data(), name.size())) == "localhost";
}

// Changes must come from the manager's own origin (CSRF): an Origin, else a Referer, naming
// the Host the request was sent to; a browser's Sec-Fetch-Site must not say cross-site.
std::string cross_origin_refusal(const net::Request& req) {
  const std::string host = to_lower(req[http::field::host]);
  const auto fetch_site = req["Sec-Fetch-Site"];
  if (!fetch_site.empty() && fetch_site != "same-origin" && fetch_site != "none")
    return fmt::format("Sec-Fetch-Site is '{}': changes must come from the manager's own page",
                       std::string(fetch_site));
  const auto origin = req[http::field::origin];
  if (!origin.empty()) {
    if (authority_of(origin) != host)
      return fmt::format("Origin '{}' is not this manager's (Host '{}')", std::string(origin),
                         host);
    return "";
  }
  const auto referer = req[http::field::referer];
  if (referer.empty()) return "a change needs an Origin or Referer naming this manager";
  if (authority_of(referer) != host)
    return fmt::format("Referer '{}' is not this manager's (Host '{}')", std::string(referer),
                       host);
  return "";
}

}  // namespace

namespace {

// What a POST asks: the query's parameters, each optional.
struct ManagerChange {
  std::string b, w, set, clear, nonce;
  std::optional<std::string> lf, ls;  // load factor, lbset
};

// The query's parameters, or the reason it cannot be read.
std::string parse_change(std::string_view target, ManagerChange& out) {
  auto url = boost::urls::parse_origin_form(target);
  if (!url) return "the query cannot be parsed";
  for (auto param : url->params()) {
    if (param.key == "b") out.b = param.value;
    else if (param.key == "w") out.w = param.value;
    else if (param.key == "nonce") out.nonce = param.value;
    else if (param.key == "set") out.set = param.value;
    else if (param.key == "clear") out.clear = param.value;
    else if (param.key == "lf") out.lf = param.value;
    else if (param.key == "ls") out.ls = param.value;
    else return fmt::format("unknown parameter '{}'", param.key);
  }
  return "";
}

BalancerCore* find_balancer(std::vector<BalancerCore>& balancers, const std::string& b) {
  if (b.empty() && balancers.size() == 1) return &balancers[0];
  for (auto& candidate : balancers)
    if (!b.empty() &&
        (candidate.config().name == b || candidate.config().name == "balancer://" + b))
      return &candidate;
  return nullptr;
}

int find_member(const BalancerCore& core, const std::string& w) {
  for (std::size_t i = 0; i < core.members().size(); ++i) {
    const auto& m = core.members()[i].config;
    if (m.url == w || m.route == w) return static_cast<int>(i);
  }
  return -1;
}

// Applies the change to `member`, all or nothing: numbers are checked as the configuration's
// own (LoadFactor 1..100, lbset 0..99: nan, inf and negatives refused); "" or the reason.
std::string apply_change(BalancerCore& core, int member, const ManagerChange& c) {
  unsigned set_bits = 0, clear_bits = 0;
  if (!parse_flags(c.set, set_bits) || !parse_flags(c.clear, clear_bits))
    return "flags are letters of D S E N H R I";
  MemberConfig config = core.members()[member].config;
  if (c.lf)
    if (auto st = apply_member_param(config, "loadfactor", *c.lf); !st) return st.error().message;
  if (c.ls)
    if (auto st = apply_member_param(config, "lbset", *c.ls); !st) return st.error().message;
  core.set_weights(member, config.loadfactor, config.lbset);
  core.set_flags(member, set_bits, clear_bits);
  return "";
}

}  // namespace

net::Response handle_manager(std::vector<BalancerCore>& balancers, const net::Request& req) {
  const unsigned v = req.version();
  if (!host_names_an_address(req[http::field::host]))
    return error(v, http::status::forbidden,
                 "the balancer-manager answers only a Host that is an IP address or localhost");
  if (req.method() == http::verb::get || req.method() == http::verb::head)
    return answer(http::status::ok, v, state(balancers));
  if (req.method() != http::verb::post)
    return error(v, http::status::method_not_allowed, "use GET to read or POST to change");
  if (auto refusal = cross_origin_refusal(req); !refusal.empty())
    return error(v, http::status::forbidden, refusal);
  ManagerChange change;
  if (auto bad = parse_change(req.target(), change); !bad.empty())
    return error(v, http::status::bad_request, bad);
  BalancerCore* core = find_balancer(balancers, change.b);
  if (!core) return error(v, http::status::bad_request, fmt::format("no balancer '{}'", change.b));
  const std::string& expected = core->config().nonce.value_or("");
  if (!expected.empty() && change.nonce != expected)
    return error(v, http::status::forbidden,
                 fmt::format("the nonce is {} for {}: GET the manager for it",
                             change.nonce.empty() ? "missing" : "wrong", core->config().name));
  const int member = find_member(*core, change.w);
  if (member < 0)
    return error(v, http::status::bad_request, fmt::format("no member '{}'", change.w));
  if (auto bad = apply_change(*core, member, change); !bad.empty())
    return error(v, http::status::bad_request, bad);
  return answer(http::status::ok, v, state(balancers));
}

net::Response serve_manager(const ManagerConfig& manager, std::vector<BalancerCore>& balancers,
                            const net::Request& req, const net::Connection& client) {
  if (!access_granted(manager.require, client.remote.address(), client.local.address()))
    return error(req.version(), http::status::forbidden,
                 fmt::format("{} may not use the balancer-manager (Require)",
                             client.remote.address().to_string()));
  return handle_manager(balancers, req);
}

}  // namespace sc
