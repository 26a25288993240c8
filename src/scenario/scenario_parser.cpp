#include "scenario/scenario_parser.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "backend/backend_check.hpp"
#include "scenario/node_reader.hpp"
#include "scenario/scenario_sections.hpp"
#include "util/text.hpp"

namespace sc {

namespace {

const std::vector<std::string> kTopKeys = {
    "name",    "description", "behaviour",    "backend_defaults", "backends", "proxy",
    "traffic", "expect",      "disturbances", "startup_timeout",  "target"};
const std::vector<std::string> kBackendOptionKeys = {
    "session_cookie",    "id_style", "id_separator", "route_cookie",
    "route_cookie_when", "strict",   "session_max",  "session_lifetime",
    "socketio_path",     "websocket_path", "ping_interval", "ping_timeout"};
const std::vector<std::string> kTrafficKeys = {"sessions",         "requests_per_session",
                                               "concurrency",      "path",
                                               "request_timeout",  "pause",
                                               "cookieless_share", "connection",
                                               "source_addresses", "seed",
                                               "threads",          "host",
                                               "protocol",         "socketio_path",
                                               "transports",       "websocket_path",
                                               "steps",            "users",
                                               "users_unique"};
const std::vector<std::string> kExpectKeys = {"affinity",
                                              "min_sticky_share",
                                              "max_sticky_share",
                                              "max_session_losses",
                                              "max_error_rate",
                                              "distribution",
                                              "alpha",
                                              "disturbed_sessions",
                                              "max_recovery",
                                              "max_collateral",
                                              "max_moves_per_session"};
const std::vector<std::string> kDisturbanceKeys = {"action", "backend", "at"};

bool valid_token(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
      return false;
  return true;
}

// Reports what check_backend_options finds in the keys `n` sets (the rest were checked where
// they were set); a route taken from the name is reported at the name.
void report_option_problems(NodeReader& r, const YAML::Node& n, const std::string& path,
                            const BackendOptions& o) {
  for (const auto& p : check_backend_options(o)) {
    if (p.key == "name") continue;  // the name has its own, stricter check
    const YAML::Node given = n[p.key];
    const YAML::Node at = given || p.key != "route" ? given : n["name"];
    if (at) r.error(at.Mark(), path + "." + p.key, p.message);
  }
}

void read_session_limits(NodeReader& r, const YAML::Node& n, const std::string& path,
                         BackendOptions& o) {
  long long max = static_cast<long long>(o.session_max);
  r.read_int(n, "session_max", path, 1, static_cast<long long>(kMaxSessionMax), max);
  o.session_max = static_cast<std::size_t>(max);
  std::string lifetime;
  r.read_string(n, "session_lifetime", path, lifetime);
  if (!n["session_lifetime"] || lifetime.empty()) return;
  if (auto t = parse_session_lifetime(lifetime))
    o.session_lifetime = *t;
  else
    r.error(n["session_lifetime"].Mark(), path + ".session_lifetime",
            fmt::format("expected a duration such as 1440s, 30m, 8h or 2d (at most 365 days), "
                        "got '{}'",
                        lifetime));
}

void read_duration(NodeReader& r, const YAML::Node& n, const std::string& path, const char* key,
                   std::chrono::milliseconds& out) {
  std::string text;
  r.read_string(n, key, path, text);
  if (!n[key] || text.empty()) return;
  if (auto t = parse_session_lifetime(text))
    out = *t;
  else
    r.error(n[key].Mark(), path + "." + key,
            fmt::format("expected a duration such as 25s or 500ms, got '{}'", printable(text)));
}

// engine.io / socket.io and the WebSocket echo.
void read_realtime_options(NodeReader& r, const YAML::Node& n, const std::string& path,
                           EngineIoOptions& o) {
  r.read_string(n, "socketio_path", path, o.path);
  r.read_string(n, "websocket_path", path, o.websocket_path);
  read_duration(r, n, path, "ping_interval", o.ping_interval);
  read_duration(r, n, path, "ping_timeout", o.ping_timeout);
}

// Reads the keys a backend shares with backend_defaults into `o`.
void read_backend_options(NodeReader& r, const YAML::Node& n, const std::string& path,
                          BackendOptions& o) {
  r.read_string(n, "session_cookie", path, o.session_cookie);
  std::string style = o.id_style == IdStyle::kSuffix ? "suffix" : "php";
  r.read_choice(n, "id_style", path, {"php", "suffix"}, style);
  o.id_style = style == "suffix" ? IdStyle::kSuffix : IdStyle::kPhp;
  std::string sep(1, o.id_separator);
  r.read_string(n, "id_separator", path, sep);
  if (sep.size() != 1)
    r.error(n["id_separator"].Mark(), path + ".id_separator",
            fmt::format("expected a single character, got '{}'", printable(sep)));
  else
    o.id_separator = sep[0];
  r.read_string(n, "route_cookie", path, o.route_cookie);
  std::string when = o.route_cookie_when == RouteCookieWhen::kSessionStart ? "session_start"
                                                                            : "always";
  r.read_choice(n, "route_cookie_when", path, {"always", "session_start"}, when);
  o.route_cookie_when =
      when == "session_start" ? RouteCookieWhen::kSessionStart : RouteCookieWhen::kAlways;
  r.read_bool(n, "strict", path, o.strict);
  read_session_limits(r, n, path, o);
  read_realtime_options(r, n, path, o.realtime);
}

// A backend whose scenario does not bound its store holds at least every session of the
// traffic, so that a large scenario is not refused by the default bound.
void size_session_stores(const YAML::Node& root, Scenario& s) {
  const YAML::Node defaults = root["backend_defaults"];
  if (defaults && defaults.IsMap() && defaults["session_max"]) return;
  const YAML::Node list = root["backends"];
  for (std::size_t i = 0; i < s.backends.size(); ++i) {
    if (list && list.IsSequence() && i < list.size() && list[i].IsMap() && list[i]["session_max"])
      continue;
    auto& max = s.backends[i].options.session_max;
    max = std::max(max, static_cast<std::size_t>(s.traffic.sessions));
  }
}

void read_backends(NodeReader& r, const YAML::Node& root, Scenario& s) {
  BackendOptions defaults;
  if (auto d = root["backend_defaults"]; d && r.expect_map(d, "backend_defaults")) {
    r.check_keys(d, "backend_defaults", kBackendOptionKeys);
    read_backend_options(r, d, "backend_defaults", defaults);
    report_option_problems(r, d, "backend_defaults", defaults);
  }
  auto list = root["backends"];
  if (!list) {
    r.error(root.Mark(), "backends", "missing; expected a list of backends with a name each");
    return;
  }
  if (!list.IsSequence() || list.size() == 0) {
    r.error(list.Mark(), "backends", "expected a non-empty list of backends");
    return;
  }
  std::vector<std::string> keys = kBackendOptionKeys;
  keys.insert(keys.end(), {"name", "weight", "route", "start"});
  std::set<std::string> names;
  for (std::size_t i = 0; i < list.size(); ++i) {
    std::string path = fmt::format("backends[{}]", i);
    const auto& n = list[i];
    if (!r.expect_map(n, path)) continue;
    r.check_keys(n, path, keys);
    BackendSpec b;
    b.options = defaults;
    read_backend_options(r, n, path, b.options);
    r.read_string(n, "name", path, b.options.name);
    if (!n["name"]) r.error(n.Mark(), path + ".name", "missing; every backend needs a name");
    else if (!valid_token(b.options.name))
      r.error(n["name"].Mark(), path + ".name",
              "expected a name of letters, digits, '-', '_' or '.'");
    else if (!names.insert(b.options.name).second)
      r.error(n["name"].Mark(), path + ".name",
              fmt::format("duplicate backend name '{}'", b.options.name));
    r.read_string(n, "route", path, b.options.route);
    b.route_given = !b.options.route.empty();
    if (b.options.route.empty()) b.options.route = b.options.name;
    r.read_double(n, "weight", path, 1, 100, b.weight);
    r.read_bool(n, "start", path, b.start);
    report_option_problems(r, n, path, b.options);
    s.backends.push_back(std::move(b));
  }
}

// traffic.transports: the socket.io client's option, a list of polling and websocket.
void read_transports(NodeReader& r, const YAML::Node& n, TrafficSpec& t) {
  const auto list = n["transports"];
  if (!list) return;
  const char* expected = "expected a list of polling and websocket, such as [polling, websocket]";
  if (!list.IsSequence() || list.size() == 0 || list.size() > 2) {
    r.error(list.Mark(), "traffic.transports", expected);
    return;
  }
  SocketIoTransports out{false, false};
  for (const auto& item : list) {
    const std::string v = item.IsScalar() ? item.Scalar() : std::string();
    bool& slot = v == "polling" ? out.polling : out.websocket;
    if ((v != "polling" && v != "websocket") || slot) {
      r.error(item.Mark(), "traffic.transports",
              fmt::format("{}, got '{}'", expected, printable(v)));
      return;
    }
    slot = true;
  }
  t.transports = out;
  if (t.protocol != SessionProtocol::kSocketIo)
    r.error(list.Mark(), "traffic.transports",
            fmt::format("expected protocol: socket.io with transports (they are the socket.io "
                        "client's), got protocol: {}",
                        to_string(t.protocol)));
}

// What a session is (protocol) and, for real-time ones, where it connects and how.
void read_realtime(NodeReader& r, const YAML::Node& n, TrafficSpec& t) {
  std::string protocol(to_string(t.protocol));
  r.read_choice(n, "protocol", "traffic", {"http", "socket.io", "websocket"}, protocol);
  t.protocol = session_protocol_from(protocol);
  if (t.protocol != SessionProtocol::kHttp && t.connection_per_request)
    r.error(n["connection"].Mark(), "traffic.connection",
            fmt::format("expected keep_alive with protocol: {} (a real-time client keeps its "
                        "connections open), got 'per_request'",
                        protocol));
  for (const char* key : {"socketio_path", "websocket_path"}) {
    auto& out = std::string_view(key) == "socketio_path" ? t.socketio_path : t.websocket_path;
    r.read_string(n, key, "traffic", out);
    if (n[key] && !is_plain_path(out))
      r.error(n[key].Mark(), std::string("traffic.") + key,
              plain_path_error(key == std::string_view("socketio_path") ? "/socket.io/" : "/ws",
                               out));
  }
  read_transports(r, n, t);
}

// Steps replace requests_per_session (their repeats make it) and speak HTTP; users name the
// CSV file the resolve step reads.
void read_traffic_steps(NodeReader& r, const YAML::Node& n, TrafficSpec& t) {
  r.read_string(n, "users", "traffic", t.users_file);
  t.users_mark = mark_of(n["users"] ? n["users"] : n);
  r.read_bool(n, "users_unique", "traffic", t.users_unique);
  if (n["users_unique"] && !n["users"])
    r.error(n["users_unique"].Mark(), "traffic.users_unique", "expected only with traffic.users");
  if (!n["steps"]) return;
  t.steps_mark = mark_of(n["steps"]);
  read_steps(r, n["steps"], "traffic.steps", t.steps);
  if (n["requests_per_session"])
    r.error(n["requests_per_session"].Mark(), "traffic.requests_per_session",
            "expected none with steps: a session makes its steps' requests (their repeats)");
  if (t.protocol != SessionProtocol::kHttp)
    r.error(n["steps"].Mark(), "traffic.steps",
            fmt::format("expected protocol: http with steps, got protocol: {}",
                        to_string(t.protocol)));
  if (!t.steps.empty()) t.requests_per_session = step_requests(t.steps);
}

void read_traffic(NodeReader& r, const YAML::Node& root, Scenario& s) {
  auto n = root["traffic"];
  if (!n || !r.expect_map(n, "traffic")) return;
  r.check_keys(n, "traffic", kTrafficKeys);
  auto& t = s.traffic;
  t.mark = mark_of(n["sessions"] ? n["sessions"] : n);
  r.read_int(n, "sessions", "traffic", 1, 10'000'000, t.sessions);
  r.read_int(n, "requests_per_session", "traffic", 1, 100'000, t.requests_per_session);
  r.read_int(n, "concurrency", "traffic", 1, 10'000, t.concurrency);
  r.read_int(n, "threads", "traffic", 0, 256, t.threads);
  r.read_string(n, "path", "traffic", t.path);
  t.path_given = static_cast<bool>(n["path"]);
  if (n["path"] && (t.path.empty() || t.path[0] != '/'))
    r.error(n["path"].Mark(), "traffic.path",
            fmt::format("expected a path starting with '/', got '{}'", printable(t.path)));
  else if (n["path"] && !std::all_of(t.path.begin(), t.path.end(), [](char c) {
             return c > 0x20 && c < 0x7f;  // the request line's own bytes: no space, no CR/LF
           }))
    r.error(n["path"].Mark(), "traffic.path",
            fmt::format("expected a path of visible ASCII characters (percent-encode the rest), "
                        "got '{}'",
                        printable(t.path)));
  r.read_duration(n, "request_timeout", "traffic", t.request_timeout);
  r.read_duration(n, "pause", "traffic", t.pause);
  r.read_double(n, "cookieless_share", "traffic", 0, 1, t.cookieless_share);
  std::string connection = t.connection_per_request ? "per_request" : "keep_alive";
  r.read_choice(n, "connection", "traffic", {"keep_alive", "per_request"}, connection);
  t.connection_per_request = connection == "per_request";
  std::string source = t.source_per_session ? "per_session" : "loopback";
  r.read_choice(n, "source_addresses", "traffic", {"loopback", "per_session"}, source);
  t.source_per_session = source == "per_session";
  r.read_string(n, "host", "traffic", t.host);
  if (n["host"] && !valid_host_name(t.host))
    r.error(n["host"].Mark(), "traffic.host",
            fmt::format("expected a host name such as www.example.com (no scheme, port or "
                        "path), got '{}'",
                        t.host));
  read_realtime(r, n, t);
  read_traffic_steps(r, n, t);
  long long seed = t.seed;
  r.read_int(n, "seed", "traffic", 0, 4294967295LL, seed);
  t.seed = static_cast<unsigned>(seed);
}

void read_expect(NodeReader& r, const YAML::Node& root, Scenario& s) {
  auto n = root["expect"];
  if (!n || !r.expect_map(n, "expect")) return;
  r.check_keys(n, "expect", kExpectKeys);
  auto& e = s.expect;
  if (s.target && n["affinity"] && n["affinity"].IsScalar() && n["affinity"].Scalar() == "losses")
    e.affinity_checked = false;  // a probe that judges only errors and session losses
  else
    r.read_bool(n, "affinity", "expect", e.affinity);
  r.read_double(n, "min_sticky_share", "expect", 0, 1, e.min_sticky_share);
  r.read_double(n, "max_sticky_share", "expect", 0, 1, e.max_sticky_share);
  r.read_int(n, "max_session_losses", "expect", 0, 1LL << 40, e.max_session_losses);
  r.read_double(n, "max_error_rate", "expect", 0, 1, e.max_error_rate);
  // true/false as before, or what the spread must look like.
  std::string distribution = "fair";
  r.read_choice(n, "distribution", "expect", {"fair", "uneven", "off", "true", "false"},
                distribution);
  e.distribution = distribution == "uneven"                           ? DistributionExpect::kUneven
                   : distribution == "off" || distribution == "false" ? DistributionExpect::kOff
                                                                      : DistributionExpect::kFair;
  r.read_double(n, "alpha", "expect", 1e-12, 0.5, e.alpha);
  r.read_choice(n, "disturbed_sessions", "expect", {"stay", "move", "move_after_errors", "fail"},
                e.disturbed_sessions);
  r.read_duration(n, "max_recovery", "expect", e.max_recovery);
  r.read_int(n, "max_collateral", "expect", 0, 1LL << 40, e.max_collateral);
  r.read_int(n, "max_moves_per_session", "expect", 0, 1LL << 20, e.max_moves_per_session);
}

// `at`: a share of the scenario's requests ("50%") or a time since the traffic began ("2s").
void read_at(NodeReader& r, const YAML::Node& n, const std::string& path, DisturbanceSpec& d) {
  const YAML::Node at = n["at"];
  if (!at) {
    r.error(n.Mark(), path + ".at", "missing; expected a share of the requests like 50% or a "
                                    "time since the traffic began like 2s or 1500ms");
    return;
  }
  std::string text = at.IsScalar() ? at.Scalar() : "";
  d.at_text = text;
  if (text.ends_with("%")) {
    double v = 0;
    if (parse_double(std::string_view(text).substr(0, text.size() - 1), v) && v >= 0 && v < 100) {
      d.at_share = v / 100;
      return;
    }
  } else {
    if (auto t = parse_duration(text)) {
      d.at_time = *t;
      return;
    }
  }
  r.error(at.Mark(), path + ".at",
          fmt::format("expected a share of the requests like 50% (0 to under 100) or a time "
                      "since the traffic began like 2s or 1500ms, got '{}'", text));
}

// What a disturbance may do with this proxy type and backend: balancer-manager actions need
// the reference balancer, the others a backend stickycheck started, `add` one not yet started.
void check_disturbance(NodeReader& r, const YAML::Node& n, const std::string& path,
                       const DisturbanceSpec& d, const BackendSpec* backend, const Scenario& s) {
  const bool manager = d.action == DisturbanceAction::kDrain ||
                       d.action == DisturbanceAction::kDisable ||
                       d.action == DisturbanceAction::kEnable;
  const std::string action(to_string(d.action));
  if (manager && s.proxy.type != "reference" && n["action"])
    r.error(n["action"].Mark(), path + ".action",
            fmt::format("'{}' changes the member in the balancer through the reference "
                        "balancer's balancer-manager; proxy type '{}' has none",
                        action, s.proxy.type));
  if (!manager && s.proxy.type == "external" && n["action"])
    r.error(n["action"].Mark(), path + ".action",
            fmt::format("'{}' needs a backend process stickycheck started; proxy type "
                        "'external' starts nothing",
                        action));
  if (backend && d.action == DisturbanceAction::kAdd && backend->start)
    r.error(n["backend"].Mark(), path + ".backend",
            fmt::format("'add' starts a backend declared with 'start: false', but '{}' "
                        "starts with the scenario",
                        d.backend));
}

// One disturbance: its action, the backend it names (with a "did you mean"), and when.
DisturbanceSpec read_disturbance(NodeReader& r, const YAML::Node& n, const std::string& path,
                                 const Scenario& s, const BackendSpec*& backend) {
  DisturbanceSpec d;
  std::string action;
  if (!n["action"])
    r.error(n.Mark(), path + ".action",
            "missing; expected one of kill, stop, resume, restart, add, drain, disable, enable");
  r.read_choice(n, "action", path,
                {"kill", "stop", "resume", "restart", "add", "drain", "disable", "enable"}, action);
  for (auto a : {DisturbanceAction::kKill, DisturbanceAction::kStop, DisturbanceAction::kResume,
                 DisturbanceAction::kRestart, DisturbanceAction::kAdd, DisturbanceAction::kDrain,
                 DisturbanceAction::kDisable, DisturbanceAction::kEnable})
    if (to_string(a) == action) d.action = a;
  r.read_string(n, "backend", path, d.backend);
  std::vector<std::string> names;
  backend = nullptr;
  for (const auto& b : s.backends) {
    names.push_back(b.options.name);
    if (b.options.name == d.backend) backend = &b;
  }
  if (!n["backend"]) {
    r.error(n.Mark(), path + ".backend", "missing; expected the name of one of the backends");
  } else if (!backend) {
    auto hint = closest_match(d.backend, names);
    r.error(n["backend"].Mark(), path + ".backend",
            fmt::format("no backend is named '{}'{}", d.backend,
                        hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
  }
  read_at(r, n, path, d);
  return d;
}

void read_disturbances(NodeReader& r, const YAML::Node& root, Scenario& s) {
  auto list = root["disturbances"];
  std::set<std::string> added;
  if (list && !list.IsSequence())
    r.error(list.Mark(), "disturbances", "expected a list of {action, backend, at}");
  for (std::size_t i = 0; list && list.IsSequence() && i < list.size(); ++i) {
    const std::string path = fmt::format("disturbances[{}]", i);
    const auto& n = list[i];
    if (!r.expect_map(n, path)) continue;
    r.check_keys(n, path, kDisturbanceKeys);
    const BackendSpec* backend = nullptr;
    DisturbanceSpec d = read_disturbance(r, n, path, s, backend);
    check_disturbance(r, n, path, d, backend, s);
    if (backend && d.action == DisturbanceAction::kAdd) added.insert(d.backend);
    s.disturbances.push_back(std::move(d));
  }
  for (std::size_t i = 0; i < s.backends.size(); ++i)
    if (!s.backends[i].start && !added.count(s.backends[i].options.name))
      r.error(root["backends"][i].Mark(), fmt::format("backends[{}].start", i),
              fmt::format("'{}' has start: false, but no disturbance adds it",
                          s.backends[i].options.name));
}

// A probe: target instead of backends and proxy, nothing to disturb, and the gentler traffic
// a live site deserves unless the scenario says otherwise.
void read_probe_sections(NodeReader& r, const YAML::Node& root, Scenario& s) {
  for (const char* key : {"backends", "backend_defaults", "proxy", "disturbances"})
    if (root[key])
      r.error(root[key].Mark(), key,
              "not with target: a probe drives a deployment stickycheck did not start");
  read_target(r, root, s);
  s.proxy.type = "probe";
  s.traffic.sessions = kProbeSessions;
  s.traffic.requests_per_session = kProbeRequestsPerSession;
  s.traffic.concurrency = kProbeConcurrency;
  read_traffic(r, root, s);
  if (!s.traffic.steps.empty()) s.traffic.requests_per_session = step_requests(s.traffic.steps);
  check_target_budget(r, root, s);
  check_target_protocol(r, root, s);
  read_expect(r, root, s);
}

}  // namespace

std::string_view to_string(DisturbanceAction a) {
  switch (a) {
    case DisturbanceAction::kKill: return "kill";
    case DisturbanceAction::kStop: return "stop";
    case DisturbanceAction::kResume: return "resume";
    case DisturbanceAction::kRestart: return "restart";
    case DisturbanceAction::kAdd: return "add";
    case DisturbanceAction::kDrain: return "drain";
    case DisturbanceAction::kDisable: return "disable";
    case DisturbanceAction::kEnable: return "enable";
  }
  return "?";
}

char ProxySpec::separator() const {
  if (stickysessionsep == "Off" || stickysessionsep == "off") return 0;
  return stickysessionsep.empty() ? '.' : stickysessionsep[0];
}

Result<Scenario> parse_scenario_text(std::string_view text, const std::string& file_name) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::ParserException& e) {
    return Error{fmt::format("{}:{}:{}: syntax error: {}", file_name, e.mark.line + 1,
                             e.mark.column + 1, e.msg)};
  }
  NodeReader r(file_name);
  Scenario s;
  s.file = file_name;
  s.source = std::string(text);
  if (!root || root.IsNull()) return Error{fmt::format("{}:1:1: the scenario is empty", file_name)};
  if (!r.expect_map(root, "")) return Error{r.errors().front()};
  r.check_keys(root, "", kTopKeys);
  r.read_string(root, "name", "", s.name);
  if (s.name.empty()) r.error(root.Mark(), "name", "missing; every scenario needs a name");
  r.read_string(root, "description", "", s.description);
  r.read_string(root, "behaviour", "", s.behaviour);
  r.read_duration(root, "startup_timeout", "", s.startup_timeout);
  if (root["target"]) {
    read_probe_sections(r, root, s);
  } else {
    read_backends(r, root, s);
    read_proxy(r, root, s);
    read_traffic(r, root, s);
    size_session_stores(root, s);
    read_expect(r, root, s);
    read_disturbances(r, root, s);
  }
  if (!r.errors().empty()) {
    std::string all;
    for (const auto& e : r.errors()) all += (all.empty() ? "" : "\n") + e;
    return Error{all};
  }
  return s;
}

}  // namespace sc
