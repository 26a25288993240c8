#include "balancer/manager.hpp"

#include <boost/url/parse.hpp>
#include <fmt/format.h>

#include <nlohmann/json.hpp>

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

  auto url = boost::urls::parse_origin_form(req.target());
  if (!url) return error(v, http::status::bad_request, "the query cannot be parsed");
  std::string b, w, set, clear, nonce;
  for (auto param : url->params()) {
    if (param.key == "b") b = param.value;
    else if (param.key == "w") w = param.value;
    else if (param.key == "nonce") nonce = param.value;
    else if (param.key == "set") set = param.value;
    else if (param.key == "clear") clear = param.value;
    else return error(v, http::status::bad_request, fmt::format("unknown parameter '{}'", param.key));
  }
  BalancerCore* core = nullptr;
  if (b.empty() && balancers.size() == 1) core = &balancers[0];
  for (auto& candidate : balancers)
    if (!b.empty() && (candidate.config().name == b || candidate.config().name == "balancer://" + b))
      core = &candidate;
  if (!core) return error(v, http::status::bad_request, fmt::format("no balancer '{}'", b));
  const std::string& expected = core->config().nonce.value_or("");
  if (!expected.empty() && nonce != expected)
    return error(v, http::status::forbidden,
                 fmt::format("the nonce is {} for {}: GET the manager for it",
                             nonce.empty() ? "missing" : "wrong", core->config().name));
  int member = -1;
  for (std::size_t i = 0; i < core->members().size(); ++i) {
    const auto& m = core->members()[i].config;
    if (m.url == w || m.route == w) {
      member = static_cast<int>(i);
      break;
    }
  }
  if (member < 0) return error(v, http::status::bad_request, fmt::format("no member '{}'", w));
  unsigned set_bits = 0, clear_bits = 0;
  if (!parse_flags(set, set_bits) || !parse_flags(clear, clear_bits))
    return error(v, http::status::bad_request, "flags are letters of D S E N H R I");
  core->set_flags(member, set_bits, clear_bits);
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
