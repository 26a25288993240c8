#include "backend/backend_app.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "contract/backend_contract.hpp"
#include "cookie/cookie_pairs.hpp"
#include "util/json_writer.hpp"
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

// The fields `names` lists (comma-separated), each with its values in the order received.
// Sorted and once each, as the body's keys always were (they came from a sorted map).
void write_echo(JsonWriter& json, const net::Request& req, std::string_view names) {
  std::vector<std::string_view> keys;
  for (auto name : split(names, ','))
    if (auto key = trim(name); !key.empty()) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  json.key(field::kEcho).begin_object();
  for (auto key : keys) {
    json.key(key).begin_array();
    for (auto [it, end] = req.equal_range(key); it != end; ++it) json.string(it->value());
    json.end_array();
  }
  json.end_object();
}

// The body of an answer to the application's paths. Keys in sorted order: the bytes are the
// same as when a sorted map (nlohmann's) built them.
void write_app_body(JsonWriter& json, const net::Request& req, std::string_view path,
                    const std::vector<CookiePair>& cookies, const BackendApp::SessionUse* session,
                    std::string_view route, std::string_view status, std::string_view user) {
  json.key(field::kCookies).begin_array();
  for (const auto& c : cookies)
    json.begin_object()
        .key(field::kCookieName)
        .string(c.name)
        .key(field::kCookieValue)
        .string(c.value)
        .end_object();
  json.end_array();
  if (auto asked = req.find(contract::kEchoHeader); asked != req.end())
    write_echo(json, req, asked->value());
  if (session) json.key(field::kHits).integer(session->hits);
  json.key(field::kMethod).string(req.method_string());
  json.key(field::kPath).string(path);
  if (session) {
    json.key(field::kRoute).string(route);
    json.key(field::kSessionExpired).boolean(session->expired);
    json.key(field::kSessionId).string(session->id);
    json.key(field::kSessionLost).boolean(session->lost);
    json.key(field::kSessionNew).boolean(session->is_new);
    if (!status.empty()) json.key(field::kStatus).string(status);
    if (!user.empty()) json.key(field::kUser).string(user);
  } else {
    json.key(field::kStatus).string(contract::kStoreFullStatus);
  }
}

}  // namespace

namespace {

// Its length set; for HEAD the same headers as GET, Content-Length included, but no body.
net::Response finished(const net::Request& req, net::Response res) {
  res.prepare_payload();
  if (req.method() == http::verb::head) {
    auto length = res.body().size();
    res.body().clear();
    res.content_length(length);
  }
  return res;
}

}  // namespace

net::Response BackendApp::handle(const net::Request& req, Clock::time_point now) {
  net::Response res{http::status::ok, req.version()};
  res.set(contract::kBackendHeader, options_.name);
  res.set(http::field::content_type, "application/json");
  std::string& text = res.body();
  text.reserve(256);
  JsonWriter json(text);
  json.begin_object().key(field::kBackend).string(options_.name);

  std::string_view target = req.target();
  std::string_view path = target.substr(0, target.find('?'));
  if (path == contract::kHealthPath) {
    json.key(field::kStatus).string("ok");
  } else {
    auto cookies = request_cookies(req);
    SessionUse u = use_session(first_cookie(cookies, options_.session_cookie), now);
    note_refusal(u.refused);
    if (u.refused) {
      res.result(http::status::service_unavailable);
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
    }
    LoginAnswer login;
    if (!u.refused && is_login_path(path)) login = login_flow(req, path, u, res, now);
    // Clients may send any bytes in cookies and paths: invalid UTF-8 is replaced (U+FFFD).
    write_app_body(json, req, path, cookies, u.refused ? nullptr : &u, options_.route,
                   login.refusal, login.user);
    if (!login.html.empty()) {  // the login page: a form, as a browser gets it
      text = std::move(login.html);
      res.set(http::field::content_type, "text/html; charset=utf-8");
      return finished(req, std::move(res));
    }
  }
  json.end_object();
  text += '\n';
  return finished(req, std::move(res));
}

}  // namespace sc
