#include "cli/probe_options.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "runner/scenario_resolve.hpp"
#include "scenario/yaml_emit.hpp"
#include "util/text.hpp"

namespace sc::cli {

namespace {

constexpr const char* kSource = "(command line)";

bool given(const ProbeArgs& a, const std::string& key) {
  auto it = a.given.find(key);
  return it != a.given.end() && it->second->count() > 0;
}

template <typename T>
void emit_if(YAML::Emitter& y, const ProbeArgs& a, const std::string& key, const char* name,
             const T& value) {
  if (given(a, key)) y << YAML::Key << name << YAML::Value << value;
}

// The shortest form that reads back the same, so an error quotes 0.9 as given, not
// yaml-cpp's 0.90000000000000002.
void emit_if(YAML::Emitter& y, const ProbeArgs& a, const std::string& key, const char* name,
             double value) {
  if (given(a, key)) y << YAML::Key << name << YAML::Value << fmt::format("{}", value);
}

void emit_list(YAML::Emitter& y, const char* name, const std::vector<std::string>& items) {
  if (items.empty()) return;
  y << YAML::Key << name << YAML::Value << YAML::BeginSeq;
  for (const auto& i : items) y << YAML::DoubleQuoted << i;
  y << YAML::EndSeq;
}

void emit_target(YAML::Emitter& y, const ProbeArgs& a, const YAML::Node& steps) {
  y << YAML::Key << "target" << YAML::Value << YAML::BeginMap;
  y << YAML::Key << "url" << YAML::Value << YAML::DoubleQuoted << a.url;
  emit_list(y, "paths", a.paths);
  emit_list(y, "headers", a.headers);
  emit_list(y, "identify", a.identify);
  emit_list(y, "lost_when", a.lost_when);
  emit_list(y, "resolve", a.resolve);
  emit_if(y, a, "target.cookie", "cookie", a.cookie);
  emit_if(y, a, "target.user_agent", "user_agent", a.user_agent);
  emit_if(y, a, "target.session_cookie", "session_cookie", a.session_cookie);
  emit_if(y, a, "target.rate", "rate", a.rate);
  emit_if(y, a, "target.max_requests", "max_requests", a.max_requests);
  emit_if(y, a, "target.max_consecutive_errors", "max_consecutive_errors",
          a.max_consecutive_errors);
  emit_if(y, a, "target.cacert", "cacert", a.cacert);
  emit_if(y, a, "target.insecure", "insecure", a.insecure);
  emit_if(y, a, "target.http2", "http2", !a.no_http2);
  emit_if(y, a, "target.show_addresses", "show_addresses", a.show_addresses);
  if (steps && !steps.IsNull()) {
    y << YAML::Key << "steps" << YAML::Value;
    emit_yaml_node(y, steps);
  }
  y << YAML::EndMap;
}

std::string as_scenario(const ProbeArgs& a, const YAML::Node& steps) {
  YAML::Emitter y;
  y << YAML::BeginMap;
  y << YAML::Key << "name" << YAML::Value << YAML::DoubleQuoted << ("probe " + url_host(a.url));
  emit_target(y, a, steps);
  y << YAML::Key << "traffic" << YAML::Value << YAML::BeginMap;
  y << YAML::Key << "sessions" << YAML::Value << a.sessions;
  y << YAML::Key << "requests_per_session" << YAML::Value << a.requests_per_session;
  y << YAML::Key << "concurrency" << YAML::Value << a.concurrency;
  emit_if(y, a, "traffic.pause", "pause", a.pause);
  emit_if(y, a, "traffic.users", "users", a.users_file);
  emit_if(y, a, "traffic.users_unique", "users_unique", a.users_unique);
  emit_if(y, a, "traffic.protocol", "protocol", a.protocol);
  emit_if(y, a, "traffic.socketio_path", "socketio_path", a.socketio_path);
  emit_list(y, "transports", a.transports);
  y << YAML::EndMap;
  y << YAML::Key << "expect" << YAML::Value << YAML::BeginMap;
  if (given(a, "expect.affinity"))
    y << YAML::Key << "affinity" << YAML::Value
      << (a.expect == "affinity"      ? "true"
          : a.expect == "no-affinity" ? "false"
                                      : "losses");
  emit_if(y, a, "expect.min_sticky_share", "min_sticky_share", a.min_sticky_share);
  emit_if(y, a, "expect.max_session_losses", "max_session_losses", a.max_session_losses);
  emit_if(y, a, "expect.max_error_rate", "max_error_rate", a.max_error_rate);
  emit_if(y, a, "expect.alpha", "alpha", a.alpha);
  y << YAML::EndMap << YAML::EndMap;
  return y.c_str();
}

void add_target_options(CLI::App* cmd, ProbeArgs& a) {
  auto& g = a.given;
  g["target.paths"] = cmd->add_option("--path", a.paths,
                                      "Path to request (repeat: a session visits them in turn; "
                                      "default: the URL's path)");
  g["target.headers"] = cmd->add_option("--header", a.headers,
                                        "'Name: value' sent with every "
                                        "request (repeatable)");
  g["target.cookie"] = cmd->add_option("--cookie", a.cookie,
                                       "Cookies every session starts with, 'a=1; b=2' (a "
                                       "logged-in state)");
  g["target.user_agent"] =
      cmd->add_option("--user-agent", a.user_agent, "User-Agent (default stickycheck/VERSION)");
  g["target.identify"] = cmd->add_option(
      "--identify", a.identify,
      "What names the backend, first match wins: header:NAME, cookie:NAME[:SEP], json:/POINTER, "
      "regex:PATTERN, auto (default)");
  g["target.lost_when"] = cmd->add_option(
      "--lost-when", a.lost_when,
      "An application's sign of a lost session: json:/POINTER=VALUE, regex:PATTERN, "
      "header:NAME=VALUE (the session cookie re-issued always counts)");
  g["target.session_cookie"] = cmd->add_option(
      "--session-cookie", a.session_cookie,
      "The application's session cookie (default: PHPSESSID, JSESSIONID, ... recognised)");
  g["target.rate"] =
      cmd->add_option("--rate", a.rate, "Requests per second, all sessions")->capture_default_str();
  g["target.max_requests"] = cmd->add_option("--max-requests", a.max_requests,
                                             "Refuse to start a probe that would send more")
                                 ->capture_default_str();
  g["target.max_consecutive_errors"] =
      cmd->add_option("--max-consecutive-errors", a.max_consecutive_errors,
                      "Stop after this many transport errors in a row (0: never)")
          ->capture_default_str();
  g["target.cacert"] = cmd->add_option("--cacert", a.cacert, "CA certificates for https");
  g["target.insecure"] = cmd->add_flag("--insecure", a.insecure, "Do not check TLS certificates");
  g["target.resolve"] = cmd->add_option("--resolve", a.resolve,
                                        "HOST:PORT:ADDRESS: send HOST's requests to ADDRESS "
                                        "(one VIP or node), repeatable");
  g["target.http2"] = cmd->add_flag("--no-http2", a.no_http2, "HTTP/1.1 even over TLS");
  g["target.show_addresses"] = cmd->add_flag(
      "--show-addresses", a.show_addresses,
      "Print member addresses decoded from balancer cookies (BIG-IP, Citrix) instead of labels");
}

void add_traffic_and_expect_options(CLI::App* cmd, ProbeArgs& a) {
  auto& g = a.given;
  g["traffic.sessions"] = cmd->add_option("--sessions", a.sessions,
                                          "Independent cookie-keeping "
                                          "sessions")
                              ->capture_default_str();
  g["traffic.requests_per_session"] =
      cmd->add_option("--requests-per-session", a.requests_per_session, "Requests per session")
          ->capture_default_str();
  g["traffic.concurrency"] =
      cmd->add_option("--concurrency", a.concurrency, "Sessions at a time")->capture_default_str();
  g["traffic.pause"] = cmd->add_option(
      "--pause", a.pause,
      "Mean pause between a session's requests (500ms, 2s); each drawn from [0, 2 x pause], so "
      "sessions do not move in lockstep, as traffic.pause in a scenario");
  g["target.steps"] = cmd->add_option(
      "--steps", a.steps_file,
      "A YAML list of steps each session follows (a login, then pages), as traffic.steps");
  g["traffic.steps"] = g["target.steps"];  // the resolve step's errors name traffic.steps
  g["traffic.users"] = cmd->add_option(
      "--users", a.users_file,
      "A CSV file of users (a header line, one user per row) for the steps' {{user.COLUMN}}");
  g["traffic.users_unique"] = cmd->add_flag(
      "--users-unique", a.users_unique,
      "Refuse fewer users than sessions at once (two sessions of one user may log each other "
      "out)");
  g["traffic.protocol"] =
      cmd->add_option("--protocol", a.protocol,
                      "http (default): page requests; socket.io: each session a socket.io "
                      "client emitting an event acknowledged by the backend (--identify "
                      "ack:EVENT)")
          ->check(CLI::IsMember({"http", "socket.io"}, choice_key));
  g["traffic.transports"] =
      cmd->add_option("--transports", a.transports,
                      "socket.io transports, as the client's option: polling, websocket "
                      "(default: polling,websocket)")
          ->delimiter(',');
  g["traffic.socketio_path"] = cmd->add_option("--socketio-path", a.socketio_path,
                                               "socket.io's path (default /socket.io/)");
  g["expect.affinity"] =
      cmd->add_option("--expect", a.expect,
                      "affinity (default), no-affinity (a negative control) "
                      "or losses (judge only errors and session losses)")
          ->check(CLI::IsMember({"affinity", "no-affinity", "losses"}, choice_key));
  g["expect.min_sticky_share"] = cmd->add_option("--min-sticky-share", a.min_sticky_share,
                                                 "Share of sessions that must stay on one "
                                                 "backend (0..1)");
  g["expect.max_session_losses"] =
      cmd->add_option("--max-session-losses", a.max_session_losses, "Session losses allowed");
  g["expect.max_error_rate"] = cmd->add_option("--max-error-rate", a.max_error_rate,
                                               "Share of requests that may fail (0..1)");
  g["expect.alpha"] = cmd->add_option("--alpha", a.alpha,
                                      "The spread test fails below this p-value (0.001 suits a "
                                      "balancer that picks at random)")
                          ->capture_default_str();
}

}  // namespace

void add_probe_options(CLI::App* cmd, ProbeArgs& a) {
  cmd->add_option("url", a.url, "The deployment, http(s)://HOST[:PORT][/PATH]")->required();
  add_target_options(cmd, a);
  add_traffic_and_expect_options(cmd, a);
}

// --steps FILE: read and checked here, so that its errors name its own lines.
Result<YAML::Node> steps_node(const ProbeArgs& a) {
  if (a.steps_file.empty()) return YAML::Node();
  auto text = read_text_file(a.steps_file);
  if (!text) return Error{fmt::format("--steps: cannot read {}", a.steps_file)};
  if (auto steps = parse_steps_text(*text, a.steps_file); !steps) return steps.error();
  return YAML::Load(*text);  // parsed once already: it cannot throw now
}

Result<Scenario> probe_scenario(const ProbeArgs& a) {
  auto steps = steps_node(a);
  if (!steps) return steps.error();
  auto s = parse_scenario_text(as_scenario(a, *steps), kSource);
  if (s) {
    auto resolved = resolve_scenario(*s);  // the users file
    if (resolved) return s;
    s = Result<Scenario>(resolved.error());
  }
  std::string lines;
  for (auto line : split(s.error().message, '\n'))
    lines += (lines.empty() ? "" : "\n") + as_option_error(a, std::string(line));
  return Error{lines};
}

std::string as_option_error(const ProbeArgs& a, const std::string& line) {
  std::string_view rest = line;
  if (rest.starts_with(kSource)) {
    for (int colons = 0; colons < 3 && !rest.empty(); rest.remove_prefix(1))
      colons += rest.front() == ':';
    rest = trim(rest);
  }
  const auto colon = rest.find(": ");
  if (colon == std::string_view::npos) return std::string(rest);
  std::string key(rest.substr(0, colon));
  key = key.substr(0, key.find('['));
  if (key == "target.url") return fmt::format("URL: {}", rest.substr(colon + 2));
  auto it = a.given.find(key);
  const std::string option = it != a.given.end() ? it->second->get_name() : key;
  // A spec's own message quotes its option already ("--identify 'x': expected ...").
  const std::string_view message = rest.substr(colon + 2);
  if (message.starts_with(option + " ")) return std::string(message);
  return fmt::format("{}: {}", option, message);
}

}  // namespace sc::cli
