#include "backend/backend_app.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "contract/backend_contract.hpp"
#include "cookie/cookie_pairs.hpp"
#include "util/text.hpp"

namespace sc {

namespace http = net::http;
namespace field = contract::field;

namespace {

// Several Cookie headers are read as one list, in order.
std::vector<CookiePair> request_cookies(const net::Request& req) {
  std::vector<CookiePair> cookies;
  for (auto [it, end] = req.equal_range(http::field::cookie); it != end; ++it) {
    auto more = parse_cookie_header(it->value());
    cookies.insert(cookies.end(), more.begin(), more.end());
  }
  return cookies;
}

}  // namespace

std::string generate_php_session_id(const std::function<unsigned()>& random) {
  static constexpr char kAlphabet[] = "0123456789abcdefghijklmnopqrstuv";
  std::string id(26, '0');
  for (auto& c : id) c = kAlphabet[random() % 32];
  return id;
}

BackendApp::BackendApp(BackendOptions options, std::function<unsigned()> random,
                       std::function<void(std::string_view)> log)
    : options_(std::move(options)),
      random_(std::move(random)),
      log_(std::move(log)),
      store_(SessionLimits{options_.session_max, options_.session_lifetime}) {
  if (options_.route.empty()) options_.route = options_.name;
}

std::string BackendApp::new_session_id() {
  std::string id = generate_php_session_id(random_);
  if (options_.id_style == IdStyle::kSuffix) {
    id.push_back(options_.id_separator);
    id += options_.route;
  }
  return id;
}

BackendApp::SessionUse BackendApp::use_session(const std::optional<std::string>& carried,
                                               Clock::time_point now) {
  SessionUse u;
  const bool has_id = carried && !carried->empty();
  // Our own suffix ids are longer than PHP's with a long route; they always fit.
  const bool fits = has_id && carried->size() <= kMaxSessionIdLength + options_.route.size();
  if (fits) {
    switch (store_.touch(*carried, now, u.hits)) {
      case SessionState::kKnown:
        u.id = *carried;
        return u;
      case SessionState::kExpired:
        u.expired = true;
        break;
      case SessionState::kUnknown:
        u.lost = true;
        break;
    }
  } else if (has_id) {
    u.lost = true;  // too long to be an id this backend issued
  }
  u.is_new = true;
  // PHP without strict mode adopts the client's id, but never one it cannot store.
  u.send_id = !fits || options_.strict;
  u.id = u.send_id ? new_session_id() : *carried;
  u.hits = 1;
  u.refused = !store_.start(u.id, now);
  return u;
}

void BackendApp::note_refusal(bool refused) {
  if (refused && refused_in_a_row_++ == 0 && log_)
    log_(
        fmt::format("session store full: {} sessions, none idle for longer than {} s; new "
                    "sessions are refused with 503 (raise --session-max or lower "
                    "--session-lifetime)",
                    store_.size(), options_.session_lifetime.count() / 1000.0));
  if (!refused && refused_in_a_row_ > 0) {
    if (log_)
      log_(fmt::format("session store has room again, after refusing {} new sessions",
                       refused_in_a_row_));
    refused_in_a_row_ = 0;
  }
}

namespace {

// The values of the request fields `names` lists (comma-separated), in the order received.
nlohmann::json echo_fields(const net::Request& req, std::string_view names) {
  nlohmann::json out = nlohmann::json::object();
  for (auto name : split(names, ',')) {
    const auto key = trim(name);
    if (key.empty()) continue;
    auto& values = out[std::string(key)] = nlohmann::json::array();
    for (auto [it, end] = req.equal_range(key); it != end; ++it)
      values.push_back(std::string(it->value()));
  }
  return out;
}

}  // namespace

net::Response BackendApp::handle(const net::Request& req, Clock::time_point now) {
  net::Response res{http::status::ok, req.version()};
  res.set(contract::kBackendHeader, options_.name);
  res.set(http::field::content_type, "application/json");
  nlohmann::json body;
  body[field::kBackend] = options_.name;

  std::string_view target = req.target();
  std::string_view path = target.substr(0, target.find('?'));
  if (path == contract::kHealthPath) {
    body[field::kStatus] = "ok";
  } else {
    auto cookies = request_cookies(req);
    SessionUse u = use_session(first_cookie(cookies, options_.session_cookie), now);
    note_refusal(u.refused);
    if (u.refused) {
      res.result(http::status::service_unavailable);
      body[field::kStatus] = contract::kStoreFullStatus;
    } else {
      if (u.send_id)
        res.insert(http::field::set_cookie, options_.session_cookie + "=" + u.id + "; path=/");
      if (!options_.route_cookie.empty() &&
          (options_.route_cookie_when == RouteCookieWhen::kAlways || u.is_new))
        res.insert(
            http::field::set_cookie,
            contract::route_cookie_value(options_.route_cookie, options_.name, options_.route));
      // PHP's session.cache_limiter=nocache headers.
      res.set(http::field::cache_control, "no-store, no-cache, must-revalidate");
      body[field::kRoute] = options_.route;
      body[field::kSessionId] = u.id;
      body[field::kHits] = u.hits;
      body[field::kSessionNew] = u.is_new;
      body[field::kSessionLost] = u.lost;
      body[field::kSessionExpired] = u.expired;
    }
    body[field::kMethod] = std::string(req.method_string());
    body[field::kPath] = std::string(path);
    auto& echoed = body[field::kCookies] = nlohmann::json::array();
    for (const auto& c : cookies)
      echoed.push_back({{field::kCookieName, c.name}, {field::kCookieValue, c.value}});
    if (auto asked = req.find(contract::kEchoHeader); asked != req.end())
      body[field::kEcho] = echo_fields(req, asked->value());
  }
  // Clients may send any bytes in cookies and paths: invalid UTF-8 is replaced, not thrown.
  res.body() = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  res.prepare_payload();
  if (req.method() == http::verb::head) {
    // Same headers as GET, Content-Length included, but no body.
    auto length = res.body().size();
    res.body().clear();
    res.content_length(length);
  }
  return res;
}

}  // namespace sc
