// The mock application's login flow (contract::kLoginPath and friends): what a staging site's
// login asks of a session, so that scenarios can log in through every proxy and show the
// seed's stickysession=PHPSESSID sending the user back to the login page.
#include <fmt/format.h>

#include <algorithm>

#include "backend/backend_app.hpp"
#include "contract/backend_contract.hpp"
#include "util/text.hpp"

namespace sc {

namespace http = net::http;

namespace {

// application/x-www-form-urlencoded: '+' is a space, then percent-decoding.
std::string form_decode(std::string_view s) {
  std::string plus(s);
  std::replace(plus.begin(), plus.end(), '+', ' ');
  return percent_decode(plus);
}

std::string form_field(std::string_view body, std::string_view name) {
  for (auto pair : split(body, '&')) {
    const auto eq = pair.find('=');
    if (form_decode(pair.substr(0, eq)) == name)
      return eq == std::string_view::npos ? "" : form_decode(pair.substr(eq + 1));
  }
  return "";
}

std::string login_page(std::string_view backend, std::string_view csrf) {
  return fmt::format(
      "<!doctype html>\n<html><head><title>Log in</title></head><body>\n"
      "<!-- served by {} -->\n"
      "<form method=\"post\" action=\"{}\">\n"
      "<input type=\"hidden\" name=\"csrf\" value=\"{}\">\n"
      "<label>User <input type=\"text\" name=\"user\"></label>\n"
      "<label>Password <input type=\"password\" name=\"password\"></label>\n"
      "<button type=\"submit\">Log in</button>\n</form>\n</body></html>\n",
      backend, contract::kLoginPath, csrf);
}

void redirect(net::Response& res, std::string_view to) {
  res.result(http::status::found);
  res.set(http::field::location, to);
}

}  // namespace

bool is_login_path(std::string_view path) {
  return path == contract::kLoginPath || path == contract::kLogoutPath ||
         path == contract::kAccountPath ||
         (path.starts_with(contract::kAccountPath) &&
          path.substr(contract::kAccountPath.size()).starts_with('/'));
}

std::string BackendApp::new_csrf_token() {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token(32, '0');
  for (auto& c : token) c = kHex[random_() % 16];
  return token;
}

// POST /login: the token the session was given, any non-empty user and password (a mock:
// credentials are the application's business); then a new id for the logged-in session.
void BackendApp::log_in(const net::Request& req, SessionUse& u, net::Response& res,
                        Clock::time_point now, LoginAnswer& out) {
  SessionData* data = store_.data(u.id);
  const std::string csrf = form_field(req.body(), "csrf");
  if (!data || data->csrf.empty() || csrf != data->csrf) {
    res.result(http::status::forbidden);
    out.refusal = "bad csrf token";
    return;
  }
  std::string user = form_field(req.body(), "user");
  if (user.empty() || form_field(req.body(), "password").empty() || user.size() > kMaxUserName) {
    res.result(http::status::unauthorized);
    out.refusal = "bad credentials";
    return;
  }
  store_.erase(u.id);
  u.id = new_session_id();
  if (!store_.start(u.id, now)) {
    res.result(http::status::service_unavailable);
    out.refusal = contract::kStoreFullStatus;
    return;
  }
  store_.data(u.id)->user = user;
  // The new id replaces any session cookie this answer set; a route cookie stays.
  std::vector<std::string> others;
  for (auto [it, end] = res.equal_range(http::field::set_cookie); it != end; ++it)
    if (!it->value().starts_with(options_.session_cookie + "=")) others.emplace_back(it->value());
  res.erase(http::field::set_cookie);
  for (const auto& c : others) res.insert(http::field::set_cookie, c);
  res.insert(http::field::set_cookie, options_.session_cookie + "=" + u.id + "; path=/");
  out.user = std::move(user);
  redirect(res, contract::kAccountPath);
}

BackendApp::LoginAnswer BackendApp::login_flow(const net::Request& req, std::string_view path,
                                               SessionUse& u, net::Response& res,
                                               Clock::time_point now) {
  LoginAnswer out;
  SessionData* data = store_.data(u.id);
  if (path == contract::kLoginPath && req.method() == http::verb::post) {
    log_in(req, u, res, now, out);
  } else if (path == contract::kLoginPath) {
    if (data) data->csrf = new_csrf_token();
    out.html = login_page(options_.name, data ? data->csrf : "");
  } else if (path == contract::kLogoutPath) {
    if (data) *data = {};
    redirect(res, contract::kLoginPath);
  } else if (data && !data->user.empty()) {
    out.user = data->user;
  } else {
    redirect(res, contract::kLoginPath);
  }
  return out;
}

}  // namespace sc
