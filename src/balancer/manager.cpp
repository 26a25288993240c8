#include "balancer/manager.hpp"

#include <boost/url/parse.hpp>
#include <fmt/format.h>

#include <nlohmann/json.hpp>

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

}  // namespace

net::Response handle_manager(std::vector<BalancerCore>& balancers, const net::Request& req) {
  const unsigned v = req.version();
  if (req.method() == http::verb::get || req.method() == http::verb::head)
    return answer(http::status::ok, v, state(balancers));
  if (req.method() != http::verb::post)
    return error(v, http::status::method_not_allowed, "use GET to read or POST to change");

  auto url = boost::urls::parse_origin_form(req.target());
  if (!url) return error(v, http::status::bad_request, "the query cannot be parsed");
  std::string b, w, set, clear;
  for (auto param : url->params()) {
    if (param.key == "b") b = param.value;
    else if (param.key == "w") w = param.value;
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

}  // namespace sc
