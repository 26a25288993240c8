#include "backend/backend_check.hpp"

#include <fmt/format.h>

#include <cctype>

#include "util/text.hpp"

namespace sc {

namespace {

bool is_control(char c) {
  auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

std::string check_route_cookie(std::string_view templ) {
  static constexpr std::string_view kExample = "'BALANCEID=balancer.{name}; path=/'";
  for (char c : templ)
    if (is_control(c))
      return fmt::format(
          "expected a Set-Cookie value such as {}, without control characters, "
          "got '{}'",
          kExample, printable(templ));
  auto eq = templ.find('=');
  if (eq == std::string_view::npos)
    return fmt::format("expected a Set-Cookie value such as {}", kExample);
  if (!is_http_token(templ.substr(0, eq)))
    return fmt::format("expected a cookie name (RFC 6265 token characters) before '=', got '{}'",
                       templ.substr(0, eq));
  std::string_view value = templ.substr(eq + 1);
  value = value.substr(0, value.find(';'));
  for (char c : value)
    if (!is_cookie_octet(c))
      return fmt::format(
          "the cookie's value may hold no '{}' (RFC 6265 cookie-octet "
          "characters only), got '{}'",
          c, value);
  return "";
}

void check_realtime_options(const EngineIoOptions& o, std::vector<OptionProblem>& out) {
  if (!is_plain_path(o.path))
    out.push_back({"socketio_path", plain_path_error("/socket.io/", o.path)});
  if (!o.websocket_path.empty() && !is_plain_path(o.websocket_path))
    out.push_back({"websocket_path", plain_path_error("/ws", o.websocket_path)});
  const auto hour = std::chrono::milliseconds(3'600'000);
  for (auto [key, value] : {std::pair{"ping_interval", o.ping_interval},
                            std::pair{"ping_timeout", o.ping_timeout}})
    if (value.count() < 1 || value > hour)
      out.push_back({key, fmt::format("expected a duration from 1ms to 1h, got {} ms",
                                      value.count())});
}

}  // namespace

std::string plain_path_error(std::string_view example, std::string_view got) {
  return fmt::format("expected a path such as {} (letters, digits, '/', '-', '.', '_', '~'), "
                     "got '{}'",
                     example, printable(got));
}

bool is_plain_path(std::string_view p) {
  if (p.empty() || p.front() != '/' || p.size() > 256) return false;
  for (char c : p)
    if (!std::isalnum(static_cast<unsigned char>(c)) &&
        std::string_view("/-._~").find(c) == std::string_view::npos)
      return false;
  return true;
}

bool is_route(std::string_view route) {
  if (route.empty() || route.size() > kMaxRouteLength) return false;
  for (char c : route)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.' &&
        c != '~')
      return false;
  return true;
}

bool is_cookie_octet(char c) {
  auto u = static_cast<unsigned char>(c);
  return u >= 0x21 && u <= 0x7e && c != '"' && c != ',' && c != ';' && c != '\\';
}

std::optional<std::chrono::milliseconds> parse_session_lifetime(std::string_view t) {
  static constexpr std::pair<std::string_view, double> kUnits[] = {
      {"ms", 1}, {"s", 1e3}, {"m", 60e3}, {"h", 3600e3}, {"d", 86400e3}};
  for (auto [unit, scale] : kUnits) {
    if (!t.ends_with(unit)) continue;
    double v = 0;
    if (!parse_double(t.substr(0, t.size() - unit.size()), v)) return std::nullopt;
    const double ms = v * scale;
    // `!(ms <= max)` also refuses nan.
    if (!(ms >= 1) || !(ms <= 365 * 86400e3)) return std::nullopt;
    return std::chrono::milliseconds(static_cast<long long>(ms));
  }
  return std::nullopt;
}

std::vector<OptionProblem> check_backend_options(const BackendOptions& o) {
  std::vector<OptionProblem> out;
  if (!o.name.empty() && !is_http_token(o.name))
    out.push_back({"name", fmt::format("expected a name of RFC 6265 token characters (letters, "
                                       "digits, !#$%&'*+-.^_`|~), got '{}'",
                                       printable(o.name))});
  if (!o.route.empty() && !is_route(o.route))
    out.push_back({"route", fmt::format("expected a route of at most {} letters, digits, '-', "
                                        "'_', '.' or '~', got '{}'",
                                        kMaxRouteLength, printable(o.route))});
  if (!is_http_token(o.session_cookie))
    out.push_back({"session_cookie",
                   fmt::format("expected a cookie name of RFC 6265 token characters (letters, "
                               "digits, !#$%&'*+-.^_`|~), got '{}'",
                               printable(o.session_cookie))});
  if (!is_cookie_octet(o.id_separator))
    out.push_back(
        {"id_separator", fmt::format("expected a character a cookie value may hold (not a space, "
                                     "control character, '\"', ',', ';' or '\\'), got '{}'",
                                     printable(std::string_view(&o.id_separator, 1)))});
  if (!o.route_cookie.empty())
    if (auto why = check_route_cookie(o.route_cookie); !why.empty())
      out.push_back({"route_cookie", why});
  check_realtime_options(o.realtime, out);
  if (o.session_max < 1 || o.session_max > kMaxSessionMax)
    out.push_back({"session_max", fmt::format("expected a whole number from 1 to {}, got '{}'",
                                              kMaxSessionMax, o.session_max)});
  return out;
}

}  // namespace sc
