// Scenario validation: every error names file:line:col, the key and what was expected.
#include "scenario/scenario_parser.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "runner/scenario_files.hpp"
#include "test_helpers.hpp"

namespace sc {
namespace {

using test::scenario_error_of;

const char* kMinimal = R"(name: t
backends:
  - name: www1
  - name: www2
)";

TEST(ScenarioParser, MinimalScenarioGetsDefaults) {
  auto r = load_scenario_text(kMinimal, "s.yaml");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->name, "t");
  ASSERT_EQ(r->backends.size(), 2u);
  EXPECT_EQ(r->backends[1].options.route, "www2");
  EXPECT_EQ(r->backends[0].options.session_cookie, "PHPSESSID");
  EXPECT_EQ(r->proxy.type, "reference");
  EXPECT_EQ(r->traffic.sessions, 200);
  EXPECT_TRUE(r->expect.affinity);
}

TEST(ScenarioParser, ChoicesAcceptTheCommandLinesSpellingToo) {
  auto r = load_scenario_text(std::string(kMinimal) +
                                  "backend_defaults:\n  route_cookie: \"B=x\"\n"
                                  "  route_cookie_when: session-start\n"
                                  "traffic:\n  source_addresses: per-session\n",
                              "s.yaml");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->backends[0].options.route_cookie_when, RouteCookieWhen::kSessionStart);
  EXPECT_TRUE(r->traffic.source_per_session);
}

TEST(ScenarioParser, TrafficHostIsAHostName) {
  auto r =
      load_scenario_text(std::string(kMinimal) + "traffic:\n  host: www.example.com\n", "s.yaml");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->traffic.host, "www.example.com");
  EXPECT_NE(scenario_error_of(std::string(kMinimal) + "traffic:\n  host: http://www.example.com:80/\n")
                .find("s.yaml:6:9: traffic.host: expected a host name such as www.example.com"),
            std::string::npos);
}

TEST(ScenarioParser, FullScenario) {
  auto r = load_scenario_text(R"(name: full
description: all keys
startup_timeout: 2s
backend_defaults:
  session_cookie: JSESSIONID
  id_style: suffix
  id_separator: "-"
  route_cookie: "BALANCEID=balancer.{name}; path=/"
  route_cookie_when: session_start
  strict: true
backends:
  - {name: a, weight: 2, route: r1}
  - {name: b, strict: false}
proxy:
  type: reference
  stickysession: JSESSIONID|jsessionid
  stickysessionsep: "-"
  scolonpathdelim: true
  nofailover: true
  lbmethod: byrequests
  maxattempts: 3
traffic: {sessions: 10, requests_per_session: 3, concurrency: 2, path: /app, request_timeout: 250ms}
expect: {affinity: false, max_sticky_share: 0.1, max_session_losses: 5, max_error_rate: 0.01, distribution: false, alpha: 0.05}
)",
                              "s.yaml");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->startup_timeout, std::chrono::milliseconds(2000));
  EXPECT_EQ(r->backends[0].weight, 2);
  EXPECT_EQ(r->backends[0].options.route, "r1");
  EXPECT_TRUE(r->backends[0].options.strict);
  EXPECT_FALSE(r->backends[1].options.strict);
  EXPECT_EQ(r->backends[1].options.id_style, IdStyle::kSuffix);
  EXPECT_EQ(r->backends[1].options.id_separator, '-');
  EXPECT_EQ(r->backends[1].options.route_cookie_when, RouteCookieWhen::kSessionStart);
  EXPECT_EQ(r->proxy.sticky_cookie(), "JSESSIONID");
  EXPECT_EQ(r->proxy.separator(), '-');
  EXPECT_EQ(r->proxy.maxattempts, 3);
  EXPECT_EQ(r->traffic.request_timeout, std::chrono::milliseconds(250));
  EXPECT_EQ(r->traffic.path, "/app");
  EXPECT_FALSE(r->expect.affinity);
  EXPECT_EQ(r->expect.max_session_losses, 5);
}

TEST(ScenarioParser, JsonIsAccepted) {
  auto r = load_scenario_text(
      R"({"name": "j", "backends": [{"name": "a"}, {"name": "b", "weight": 3}],
          "proxy": {"stickysession": "BALANCEID"}, "traffic": {"sessions": 5}})",
      "s.json");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->backends[1].weight, 3);
  EXPECT_EQ(r->traffic.sessions, 5);
}

TEST(ScenarioParser, UnknownKeyWithDidYouMean) {
  EXPECT_EQ(scenario_error_of(std::string(kMinimal) + "traffic:\n  sesions: 10\n"),
            "s.yaml:6:3: traffic.sesions: unknown key; did you mean 'sessions'?");
}

TEST(ScenarioParser, UnknownKeyWithoutCloseMatchListsTheKeys) {
  EXPECT_EQ(scenario_error_of(std::string(kMinimal) + "proxy:\n  colour: red\n"),
            "s.yaml:6:3: proxy.colour: unknown key; expected one of type, config, command, url, "
            "apache_conf, stickysession, stickysessionsep, scolonpathdelim, nofailover, "
            "lbmethod, maxattempts, debug_log or members");
}

TEST(ScenarioParser, BackendsRealtimeOptions) {
  auto r = load_scenario_text(std::string(kMinimal) +
                                     "backend_defaults:\n  ping_interval: 300ms\n  ping_timeout: 2s\n"
                                     "  socketio_path: /rt/\n  websocket_path: /echo\n",
                              "s.yaml");
  ASSERT_TRUE(r.ok()) << r.error().message;
  const auto& o = r->backends[1].options.realtime;
  EXPECT_EQ(o.ping_interval, std::chrono::milliseconds(300));
  EXPECT_EQ(o.ping_timeout, std::chrono::milliseconds(2000));
  EXPECT_EQ(o.path, "/rt/");
  EXPECT_EQ(o.websocket_path, "/echo");
  EXPECT_EQ(scenario_error_of(std::string(kMinimal) + "backend_defaults:\n  ping_interval: soon\n"),
            "s.yaml:6:18: backend_defaults.ping_interval: expected a duration such as 25s or "
            "500ms, got 'soon'");
  EXPECT_EQ(scenario_error_of(std::string(kMinimal) + "backend_defaults:\n  socketio_path: \"io\"\n"),
            "s.yaml:6:18: backend_defaults.socketio_path: expected a path such as /socket.io/ "
            "(letters, digits, '/', '-', '.', '_', '~'), got 'io'");
}

TEST(ScenarioParser, TrafficProtocolSocketIo) {
  auto r = load_scenario_text(std::string(kMinimal) +
                                  "traffic:\n  protocol: socket.io\n  socketio_path: /rt/\n",
                              "s.yaml");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->traffic.protocol, SessionProtocol::kSocketIo);
  EXPECT_EQ(r->traffic.socketio_path, "/rt/");
  EXPECT_EQ(scenario_error_of(std::string(kMinimal) +
                              "traffic:\n  protocol: socket.io\n  connection: per_request\n"),
            "s.yaml:7:15: traffic.connection: expected keep_alive with protocol: socket.io (a "
            "real-time client keeps its connections open), got 'per_request'");
  EXPECT_EQ(scenario_error_of(std::string(kMinimal) + "traffic:\n  protocol: signalr\n"),
            "s.yaml:6:13: traffic.protocol: expected http, socket.io or websocket, got 'signalr'");
}

TEST(ScenarioParser, TrafficTransportsAreTheSocketIoClientsOption) {
  auto r = load_scenario_text(std::string(kMinimal) + "traffic:\n  protocol: socket.io\n",
                              "s.yaml");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->traffic.transports.polling);  // the client's default: polling, then upgrade
  EXPECT_TRUE(r->traffic.transports.websocket);
  r = load_scenario_text(
      std::string(kMinimal) + "traffic:\n  protocol: socket.io\n  transports: [websocket]\n",
      "s.yaml");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_FALSE(r->traffic.transports.polling);
  EXPECT_TRUE(r->traffic.transports.websocket);
  EXPECT_EQ(scenario_error_of(std::string(kMinimal) +
                              "traffic:\n  protocol: socket.io\n  transports: [polling, sse]\n"),
            "s.yaml:7:25: traffic.transports: expected a list of polling and websocket, such as "
            "[polling, websocket], got 'sse'");
  EXPECT_EQ(scenario_error_of(std::string(kMinimal) +
                              "traffic:\n  protocol: socket.io\n  transports: polling\n"),
            "s.yaml:7:15: traffic.transports: expected a list of polling and websocket, such as "
            "[polling, websocket]");
  EXPECT_EQ(scenario_error_of(std::string(kMinimal) + "traffic:\n  transports: [polling]\n"),
            "s.yaml:6:15: traffic.transports: expected protocol: socket.io with transports (they "
            "are the socket.io client's), got protocol: http");
}

TEST(ScenarioParser, TrafficProtocolWebSocket) {
  auto r = load_scenario_text(
      std::string(kMinimal) + "traffic:\n  protocol: websocket\n  websocket_path: /echo\n",
      "s.yaml");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->traffic.protocol, SessionProtocol::kWebSocket);
  EXPECT_EQ(r->traffic.websocket_path, "/echo");
  EXPECT_EQ(scenario_error_of(std::string(kMinimal) +
                              "traffic:\n  protocol: websocket\n  websocket_path: echo\n"),
            "s.yaml:7:19: traffic.websocket_path: expected a path such as /ws (letters, digits, "
            "'/', '-', '.', '_', '~'), got 'echo'");
}

TEST(ScenarioParser, WrongTypeNamesWhatWasExpected) {
  EXPECT_EQ(scenario_error_of(std::string(kMinimal) + "traffic:\n  sessions: many\n"),
            "s.yaml:6:13: traffic.sessions: expected a whole number from 1 to 10000000, got 'many'");
  EXPECT_EQ(scenario_error_of(std::string(kMinimal) + "expect:\n  affinity: yes please\n"),
            "s.yaml:6:13: expect.affinity: expected true or false, got 'yes please'");
  EXPECT_EQ(scenario_error_of(std::string(kMinimal) + "expect:\n  min_sticky_share: 1.5\n"),
            "s.yaml:6:21: expect.min_sticky_share: expected a number from 0 to 1, got '1.5'");
}

TEST(ScenarioParser, ChoicesAndDurations) {
  EXPECT_EQ(scenario_error_of(std::string(kMinimal) + "proxy:\n  type: traefik\n"),
            "s.yaml:6:9: proxy.type: expected apache, haproxy, nginx, caddy, reference, command "
            "or external, got 'traefik'");
  EXPECT_EQ(scenario_error_of(std::string(kMinimal) + "traffic:\n  source_addresses: random\n"),
            "s.yaml:6:21: traffic.source_addresses: expected loopback or per_session, got "
            "'random'");
  EXPECT_EQ(scenario_error_of(std::string(kMinimal) + "traffic:\n  connection: close\n"),
            "s.yaml:6:15: traffic.connection: expected keep_alive or per_request, got 'close'");
  EXPECT_EQ(scenario_error_of(std::string(kMinimal) + "traffic:\n  cookieless_share: 2\n"),
            "s.yaml:6:21: traffic.cookieless_share: expected a number from 0 to 1, got '2'");
  EXPECT_EQ(scenario_error_of(std::string(kMinimal) + "expect:\n  distribution: skewed\n"),
            "s.yaml:6:17: expect.distribution: expected fair, uneven, off, true or false, got "
            "'skewed'");
  EXPECT_EQ(scenario_error_of(std::string(kMinimal) + "traffic:\n  request_timeout: 5\n"),
            "s.yaml:6:20: traffic.request_timeout: expected a duration such as 500ms or 5s (at "
            "most 1 hour), got '5'");
}

TEST(ScenarioParser, BackendErrors) {
  EXPECT_EQ(scenario_error_of("name: t\nbackends:\n  - name: a\n  - name: a\n"),
            "s.yaml:4:11: backends[1].name: duplicate backend name 'a'");
  EXPECT_EQ(scenario_error_of("name: t\nbackends:\n  - weight: 2\n"),
            "s.yaml:3:5: backends[0].name: missing; every backend needs a name");
  EXPECT_EQ(scenario_error_of("name: t\nbackends:\n  - name: a\n    weight: 0\n"),
            "s.yaml:4:13: backends[0].weight: expected a number from 1 to 100, got '0'");
  EXPECT_EQ(scenario_error_of("name: t\n"),
            "s.yaml:1:1: backends: missing; expected a list of backends with a name each");
  EXPECT_EQ(scenario_error_of("name: t\nbackends: []\n"),
            "s.yaml:2:11: backends: expected a non-empty list of backends");
}

TEST(ScenarioParser, AllErrorsAreReportedInOrder) {
  EXPECT_EQ(scenario_error_of("nme: t\nbackends:\n  - name: a\ntraffic:\n  concurrency: 0\n"),
            "s.yaml:1:1: nme: unknown key; did you mean 'name'?\n"
            "s.yaml:1:1: name: missing; every scenario needs a name\n"
            "s.yaml:5:16: traffic.concurrency: expected a whole number from 1 to 10000, got '0'");
}

TEST(ScenarioParser, SyntaxErrorIsLocated) {
  EXPECT_EQ(scenario_error_of("name: t\nbackends: [a\n"),
            "s.yaml:3:1: syntax error: end of sequence flow not found");
}

TEST(ScenarioParser, EmptyFile) { EXPECT_EQ(scenario_error_of(""), "s.yaml:1:1: the scenario is empty"); }

TEST(ScenarioParser, MissingFile) {
  auto r = load_scenario_file("/nonexistent/x.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "/nonexistent/x.yaml: cannot read the scenario file");
}

}  // namespace
}  // namespace sc

namespace sc {
namespace {

TEST(ScenarioParser, Disturbances) {
  auto s = load_scenario_text(std::string(kMinimal) +
                                  "disturbances:\n"
                                  "  - {action: stop, backend: www1, at: 2.5s}\n"
                                  "  - {action: resume, backend: www1, at: 60%}\n",
                              "s.yaml");
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(s->disturbances.size(), 2u);
  EXPECT_EQ(s->disturbances[0].action, DisturbanceAction::kStop);
  EXPECT_EQ(s->disturbances[0].at_time, std::chrono::milliseconds(2500));
  EXPECT_EQ(s->disturbances[1].at_share, 0.6);
  EXPECT_EQ(s->disturbances[1].at_text, "60%");
}

TEST(ScenarioParser, DisturbanceErrors) {
  const std::string d = std::string(kMinimal) + "disturbances:\n";
  EXPECT_EQ(scenario_error_of(d + "  - {action: explode, backend: www1, at: 50%}\n"),
            "s.yaml:6:14: disturbances[0].action: expected kill, stop, resume, restart, add, "
            "drain, disable or enable, got 'explode'");
  EXPECT_EQ(scenario_error_of(d + "  - {action: kill, backend: www3, at: 50%}\n"),
            "s.yaml:6:29: disturbances[0].backend: no backend is named 'www3' (did you mean "
            "'www1'?)");
  EXPECT_EQ(scenario_error_of(d + "  - {action: kill, backend: www1, at: soon}\n"),
            "s.yaml:6:39: disturbances[0].at: expected a share of the requests like 50% (0 to "
            "under 100) or a time since the traffic began like 2s or 1500ms, got 'soon'");
  EXPECT_EQ(scenario_error_of(d + "  - {action: kill, backend: www1, at: 100%}\n"),
            "s.yaml:6:39: disturbances[0].at: expected a share of the requests like 50% (0 to "
            "under 100) or a time since the traffic began like 2s or 1500ms, got '100%'");
  EXPECT_EQ(scenario_error_of(d + "  - {action: add, backend: www1, at: 1s}\n"),
            "s.yaml:6:28: disturbances[0].backend: 'add' starts a backend declared with 'start: "
            "false', but 'www1' starts with the scenario");
  EXPECT_EQ(scenario_error_of("name: t\nbackends:\n  - name: a\n  - {name: b, start: false}\n"),
            "s.yaml:4:5: backends[1].start: 'b' has start: false, but no disturbance adds it");
}

}  // namespace
}  // namespace sc

namespace sc {
namespace {

TEST(ScenarioParser, RealProxyNeedsARenderableTemplate) {
  EXPECT_EQ(scenario_error_of(std::string(kMinimal) + "proxy:\n  type: haproxy\n  nofailover: true\n"),
            "s.yaml:6:3: proxy.config: missing; proxy type 'haproxy' needs a configuration "
            "template such as fixtures/haproxy/cookie-insert.cfg.in\n"
            "s.yaml:7:15: proxy.nofailover: only for type reference; the haproxy configuration "
            "says how it balances");
  EXPECT_EQ(scenario_error_of(std::string(kMinimal) +
                     "proxy:\n  type: haproxy\n  config: " STICKYCHECK_SOURCE_DIR
                     "/fixtures/haproxy/typo-placeholder.cfg.in\n"),
            "s.yaml:7:11: proxy.config: " STICKYCHECK_SOURCE_DIR
            "/fixtures/haproxy/typo-placeholder.cfg.in:7: unknown placeholder {{adress}}; "
            "expected one of listen_port, listen, runtime_dir, each_backend, name, route, "
            "address, port, weight, index");
}

}  // namespace
}  // namespace sc

namespace sc {
namespace {

TEST(ScenarioParser, EveryRealProxyNamesAnExampleTemplate) {
  for (const char* type : {"apache", "nginx", "caddy"}) {
    auto err = scenario_error_of(std::string(kMinimal) + "proxy:\n  type: " + type + "\n");
    EXPECT_EQ(err.rfind("s.yaml:6:3: proxy.config: missing; proxy type '" + std::string(type) +
                            "' needs a configuration template such as fixtures/" + type + "/",
                        0),
              0u)
        << err;
  }
}

TEST(ScenarioParser, ExternalProxyNeedsAUrlAndStartsNothing) {
  EXPECT_EQ(scenario_error_of(std::string(kMinimal) + "proxy:\n  type: external\n"),
            "s.yaml:6:3: proxy.url: missing; proxy type 'external' needs the URL where the "
            "proxy already listens, e.g. http://127.0.0.1:8080");
  EXPECT_EQ(scenario_error_of(std::string(kMinimal) +
                     "proxy:\n  type: external\n  url: http://127.0.0.1:8080/app\n"),
            "s.yaml:7:8: proxy.url: expected http://HOST[:PORT] with no path (traffic.path is "
            "added), got 'http://127.0.0.1:8080/app'");
  EXPECT_EQ(scenario_error_of(std::string(kMinimal) + "proxy:\n  url: http://127.0.0.1:8080\n"),
            "s.yaml:6:8: proxy.url: only for type external (a proxy that is already running)");
  EXPECT_EQ(scenario_error_of("name: t\nbackends:\n  - name: www1\nproxy: {type: external, url: "
                     "'http://127.0.0.1:1'}\ndisturbances:\n  - {action: kill, backend: www1, "
                     "at: 1s}\n"),
            "s.yaml:6:14: disturbances[0].action: 'kill' needs a backend process stickycheck "
            "started; proxy type 'external' starts nothing");
  auto ok = load_scenario_text(
      "name: t\nbackends:\n  - name: www1\nproxy: {type: external, url: 'http://h:81/'}\n",
      "s.yaml");
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->proxy.url, "http://h:81");
}

TEST(ScenarioParser, CommandProxyArgumentsAreRenderedAtParseTime) {
  EXPECT_EQ(scenario_error_of(std::string(kMinimal) + "proxy:\n  type: command\n"),
            "s.yaml:6:3: proxy.command: missing; proxy type 'command' needs the command line "
            "that starts the proxy in the foreground, e.g. [haproxy, -f, '{{config}}', -db]");
  EXPECT_EQ(scenario_error_of(std::string(kMinimal) +
                     "proxy:\n  type: command\n  command: [true, '--listen={{listen}}', "
                     "'{{config}}']\n"),
            "s.yaml:7:42: proxy.command[2]: unknown placeholder {{config}}; expected one of "
            "listen_port, listen, runtime_dir, stickycheck, each_backend");
  EXPECT_EQ(scenario_error_of(std::string(kMinimal) + "proxy:\n  command: [x]\n"),
            "s.yaml:6:12: proxy.command: only for type command");
  auto ok = load_scenario_text(std::string(kMinimal) +
                                   "proxy:\n  type: command\n  command: '{{stickycheck}} "
                                   "balancer  --listen {{listen}}'\n",
                               "s.yaml");
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->proxy.command,
            (std::vector<std::string>{"{{stickycheck}}", "balancer", "--listen", "{{listen}}"}));
}

TEST(ScenarioParser, ApacheTemplateNamesTheStickyCookieForTheDiagnosis) {
  auto s = load_scenario_text(
      "name: t\nbackends:\n  - name: www1\n  - name: www2\nproxy:\n  type: apache\n  config: "
      "" STICKYCHECK_SOURCE_DIR "/fixtures/apache/phpsessid-no-route.conf.in\n",
      "s.yaml");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->proxy.stickysession, "PHPSESSID");
  EXPECT_EQ(s->proxy.separator(), '.');
  // The reference balancer reads the same template, so it must be an Apache configuration.
  EXPECT_EQ(scenario_error_of("name: t\nbackends:\n  - name: www1\nproxy:\n  type: reference\n  config: "
                     "" STICKYCHECK_SOURCE_DIR "/fixtures/haproxy/cookie-insert.cfg.in\n"),
            "s.yaml:6:11: proxy.config: " STICKYCHECK_SOURCE_DIR
            "/fixtures/haproxy/cookie-insert.cfg.in: no ProxyPass maps a path to a balancer:// "
            "URL");
}

// Parsing is pure: from inside an empty directory (where none of the configuration files the
// scenarios name can be found) every bundled scenario parses, and nothing was read for it.
TEST(ScenarioParser, EveryBundledScenarioParsesWithoutReadingAnyOtherFile) {
  namespace fs = std::filesystem;
  std::map<std::string, std::string> texts;
  for (const auto& e : fs::directory_iterator(STICKYCHECK_SOURCE_DIR "/scenarios")) {
    std::ifstream in(e.path());
    std::ostringstream text;
    text << in.rdbuf();
    texts[e.path().filename().string()] = text.str();
  }
  ASSERT_GE(texts.size(), 19u);
  const fs::path empty = fs::temp_directory_path() / ("sc-pure-" + std::to_string(::getpid()));
  fs::create_directories(empty);
  const fs::path before = fs::current_path();
  fs::current_path(empty);
  std::vector<std::string> failures;
  std::size_t with_config = 0;
  for (const auto& [name, text] : texts) {
    auto s = parse_scenario_text(text, name);
    if (!s) {
      failures.push_back(s.error().message);
      continue;
    }
    EXPECT_TRUE(s->proxy.config_text.empty()) << name;
    with_config += !s->proxy.config.empty() || !s->proxy.apache_conf.empty();
  }
  fs::current_path(before);
  fs::remove_all(empty);
  EXPECT_EQ(failures, std::vector<std::string>{});
  EXPECT_GE(with_config, 10u);  // most of them name a configuration the parser left unread
}

TEST(ScenarioParser, ResolvingReadsTheTemplateOnceForTheRun) {
  auto s = load_scenario_text(
      "name: t\nbackends:\n  - name: www1\n  - name: www2\nproxy:\n  type: apache\n  config: "
      "" STICKYCHECK_SOURCE_DIR "/fixtures/apache/phpsessid-no-route.conf.in\n",
      "s.yaml");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_NE(s->proxy.config_text.find("{{listen}}"), std::string::npos);
}

}  // namespace
}  // namespace sc
