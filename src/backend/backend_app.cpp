#include "backend/backend_app.hpp"

#include <nlohmann/json.hpp>

#include "contract/backend_contract.hpp"
#include "cookie/cookie_pairs.hpp"

namespace sc {

namespace http = net::http;
namespace field = contract::field;

std::string generate_php_session_id(const std::function<unsigned()>& random) {
  static constexpr char kAlphabet[] = "0123456789abcdefghijklmnopqrstuv";
  std::string id(26, '0');
  for (auto& c : id) c = kAlphabet[random() % 32];
  return id;
}

BackendApp::BackendApp(BackendOptions options, std::function<unsigned()> random)
    : options_(std::move(options)), random_(std::move(random)) {
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

net::Response BackendApp::handle(const net::Request& req) {
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
    // Several Cookie headers are read as one list, in order.
    std::vector<CookiePair> cookies;
    for (auto [it, end] = req.equal_range(http::field::cookie); it != end; ++it) {
      auto more = parse_cookie_header(it->value());
      cookies.insert(cookies.end(), more.begin(), more.end());
    }
    auto carried = first_cookie(cookies, options_.session_cookie);
    bool is_new = false, lost = false, send_id = false;
    std::string id;
    if (carried && !carried->empty() && sessions_.count(*carried)) {
      id = *carried;
    } else if (carried && !carried->empty()) {
      lost = true;  // an id this backend never issued or no longer holds
      is_new = true;
      if (options_.strict) {
        id = new_session_id();
        send_id = true;
      } else {
        id = *carried;  // PHP without strict mode adopts the client's id
      }
    } else {
      is_new = true;
      id = new_session_id();
      send_id = true;
    }
    long long hits = ++sessions_[id];

    if (send_id) res.insert(http::field::set_cookie, options_.session_cookie + "=" + id + "; path=/");
    if (!options_.route_cookie.empty() &&
        (options_.route_cookie_when == RouteCookieWhen::kAlways || is_new))
      res.insert(
          http::field::set_cookie,
          contract::route_cookie_value(options_.route_cookie, options_.name, options_.route));
    // PHP's session.cache_limiter=nocache headers.
    res.set(http::field::cache_control, "no-store, no-cache, must-revalidate");

    body[field::kRoute] = options_.route;
    body[field::kSessionId] = id;
    body[field::kHits] = hits;
    body[field::kSessionNew] = is_new;
    body[field::kSessionLost] = lost;
    body[field::kMethod] = std::string(req.method_string());
    body[field::kPath] = std::string(path);
    auto& echoed = body[field::kCookies] = nlohmann::json::array();
    for (const auto& c : cookies)
      echoed.push_back({{field::kCookieName, c.name}, {field::kCookieValue, c.value}});
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
