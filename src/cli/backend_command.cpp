#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <random>
#include <tuple>

#include "backend/backend_app.hpp"
#include "backend/backend_check.hpp"
#include "backend/engineio_transport.hpp"
#include "net/body_stream.hpp"
#include "checks/verdict.hpp"
#include "cli/commands.hpp"
#include "net/endpoint.hpp"
#include "net/http_server.hpp"
#include "util/text.hpp"

namespace sc::cli {

namespace {

struct BackendArgs {
  BackendOptions options;
  std::string listen = "127.0.0.1:8081";
  std::string id_style = "php";
  std::string separator = ".";
  std::string route_cookie_when = "always";
  std::string session_lifetime = "1440s";
  std::string ping_interval = "25s";
  std::string ping_timeout = "20s";
};

// --ping-interval and --ping-timeout; false after saying what was wrong.
bool settle_durations(BackendArgs& a) {
  for (auto [flag, text, out] :
       {std::tuple{"--ping-interval", &a.ping_interval, &a.options.realtime.ping_interval},
        std::tuple{"--ping-timeout", &a.ping_timeout, &a.options.realtime.ping_timeout}}) {
    auto d = parse_session_lifetime(*text);
    if (!d) {
      fmt::print(stderr, "stickycheck backend: {}: expected a duration such as 25s or 500ms, got '{}'\n",
                 flag, printable(*text));
      return false;
    }
    *out = *d;
  }
  return true;
}

// The options as the scenario's backends: section checks them; false after saying why not.
bool settle_options(BackendArgs& a) {
  a.options.id_style = a.id_style == "suffix" ? IdStyle::kSuffix : IdStyle::kPhp;
  a.options.route_cookie_when =
      a.route_cookie_when == "session-start" ? RouteCookieWhen::kSessionStart
                                             : RouteCookieWhen::kAlways;
  if (a.separator.size() != 1) {
    fmt::print(stderr, "stickycheck backend: --id-separator: expected one character, got '{}'\n",
               printable(a.separator));
    return false;
  }
  a.options.id_separator = a.separator[0];
  auto lifetime = parse_session_lifetime(a.session_lifetime);
  if (!lifetime) {
    fmt::print(stderr,
               "stickycheck backend: --session-lifetime: expected a duration such as 1440s, 30m, "
               "8h or 2d (at most 365 days), got '{}'\n",
               printable(a.session_lifetime));
    return false;
  }
  a.options.session_lifetime = *lifetime;
  if (!settle_durations(a)) return false;
  auto problems = check_backend_options(a.options);
  for (const auto& p : problems) {
    std::string flag = p.key;
    std::replace(flag.begin(), flag.end(), '_', '-');
    fmt::print(stderr, "stickycheck backend: --{}: {}\n", flag, p.message);
  }
  return problems.empty();
}

int run_backend(BackendArgs& a) {
  if (!settle_options(a)) return kExitBadInput;
  auto ep = net::parse_endpoint(a.listen);
  if (!ep) {
    fmt::print(stderr, "stickycheck backend: --listen: {}\n", ep.error().message);
    return kExitBadInput;
  }
  std::random_device seed;
  std::mt19937 rng(seed());
  const std::string name = a.options.name;
  BackendApp app(
      a.options, [&rng] { return static_cast<unsigned>(rng()); },
      [&name](std::string_view line) {
        fmt::print(stderr, "stickycheck backend {}: {}\n", name, line);
      });

  boost::asio::io_context ioc(1);
  net::ServerOptions server_options;
  // Request bodies are read and dropped as they arrive (the answers never depend on them):
  // a large upload costs no memory. The limit is httpd's default LimitRequestBody.
  server_options.stream_bodies = true;
  server_options.body_limit = 1024ull * 1024 * 1024;
  server_options.log = [name = a.options.name](const std::string& line) {
    fmt::print(stderr, "stickycheck backend {}: {}\n", name, line);
  };
  EngineIoServer realtime(
      a.options.realtime, a.options.name, [&rng] { return static_cast<unsigned>(rng()); });
  net::HttpServer server(
      ioc,
      [&app, &realtime](net::Request& req,
                        net::Connection& conn) -> boost::asio::awaitable<net::Response> {
        const std::string_view target = req.target();
        const auto path = target.substr(0, target.find('?'));
        const auto& o = app.options();
        if (is_engineio_path(o.realtime, path))
          co_return co_await serve_engineio(realtime, o, req, conn);
        if (is_websocket_echo_path(o.realtime, path))
          co_return co_await serve_websocket_echo(o, req, conn);
        // The login form is the one body an answer depends on: read, bounded.
        if (is_login_path(path) && req.method() == net::http::verb::post) {
          auto form = co_await net::read_bounded_body(req, conn, kMaxLoginForm);
          if (!form) co_return net::Response{net::http::status::payload_too_large, req.version()};
          req.body() = std::move(*form);
        }
        co_return app.handle(req);
      },
      server_options);
  if (auto st = server.listen(*ep); !st) {
    fmt::print(stderr, "stickycheck backend {}: {}\n", a.options.name, st.error().message);
    return kExitCannotRun;
  }
  server.start();
  fmt::print(stderr, "stickycheck backend {}: listening on {}\n", a.options.name,
             net::to_string(server.local_endpoint()));
  net::run_until_signal(ioc, server);
  return kExitOk;
}

}  // namespace

Runner add_backend_command(CLI::App& app) {
  auto args = std::make_shared<BackendArgs>();
  auto* cmd = app.add_subcommand("backend", "Run a mock PHP-like backend (HTTP/1.1 server)");
  cmd->add_option("--name", args->options.name, "Backend identity, stamped on every response")
      ->required();
  cmd->add_option("--listen", args->listen, "Address to listen on, HOST:PORT")
      ->capture_default_str();
  cmd->add_option("--route", args->options.route, "Route of this backend (default: its name)");
  cmd->add_option("--session-cookie", args->options.session_cookie, "Session cookie name")
      ->capture_default_str();
  cmd->add_option("--id-style", args->id_style,
                  "Session ids: php (26 chars [0-9a-v]) or suffix (id + separator + route)")
      ->check(CLI::IsMember({"php", "suffix"}, choice_key))
      ->capture_default_str();
  cmd->add_option("--id-separator", args->separator, "Separator for the suffix id style")
      ->capture_default_str();
  cmd->add_option("--route-cookie", args->options.route_cookie,
                  "Set-Cookie template, e.g. 'BALANCEID=balancer.{name}; path=/'");
  cmd->add_option("--route-cookie-when", args->route_cookie_when,
                  "Send the route cookie on every response or only when a session starts")
      ->check(CLI::IsMember({"always", "session-start"}, choice_key))
      ->capture_default_str();
  cmd->add_flag("--strict", args->options.strict,
                "Replace unknown session ids, like PHP's session.use_strict_mode");
  cmd->add_option("--session-max", args->options.session_max,
                  "Most sessions held; new sessions beyond are refused with 503")
      ->capture_default_str();
  cmd->add_option("--session-lifetime", args->session_lifetime,
                  "A session idle this long expires (like PHP's session.gc_maxlifetime), e.g. "
                  "1440s, 30m, 8h, 2d")
      ->capture_default_str();
  cmd->add_option("--socketio-path", args->options.realtime.path,
                  "Path of the engine.io / socket.io server")
      ->capture_default_str();
  cmd->add_option("--ping-interval", args->ping_interval,
                  "engine.io pingInterval: how often the server pings each session")
      ->capture_default_str();
  cmd->add_option("--ping-timeout", args->ping_timeout,
                  "engine.io pingTimeout: how long a ping may wait for its pong")
      ->capture_default_str();
  cmd->add_option("--websocket-path", args->options.realtime.websocket_path,
                  "Path of the plain WebSocket echo (empty: none)")
      ->capture_default_str();
  return [args] { return run_backend(*args); };
}

}  // namespace sc::cli
