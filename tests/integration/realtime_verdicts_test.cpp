// Our socket.io verdict against the real socket.io client's own: the same setup (two mock
// nodes behind the reference balancer, sticky by a route cookie or not sticky at all) judged
// by `stickycheck run` on the shipped scenario and by npm's socket.io-client over long-polling.
// Where the real client keeps every session on one node, our affinity must hold; where it
// cannot keep one ("Session ID unknown"), ours must not. The real client's sessions run one
// after another: sessions side by side can line up with a round robin's turns by chance and
// keep their node (the lockstep trap), which would make its verdict a matter of timing.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "harness.hpp"
#include "real_socketio_client.hpp"
#include "runner/ports.hpp"
#include "scripted_upstream.hpp"

namespace sc::test {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

// The real client's judgement over two of our nodes behind the reference balancer.
ClientVerdict real_client_over(bool sticky) {
  auto ports = *allocate_loopback_ports(3);
  std::vector<std::unique_ptr<CliProcess>> nodes;
  for (int i = 0; i < 2; ++i) {
    std::vector<std::string> args = {"backend", "--name", "www" + std::to_string(i + 1), "--listen",
                                     "127.0.0.1:" + std::to_string(ports[i])};
    if (sticky) args.insert(args.end(), {"--route-cookie", "BALANCEID=balancer.{route}; path=/"});
    nodes.push_back(std::make_unique<CliProcess>(args));
  }
  std::vector<std::string> lb = {"balancer", "--listen", "127.0.0.1:" + std::to_string(ports[2])};
  for (int i = 0; i < 2; ++i)
    lb.insert(lb.end(), {"--member", "http://127.0.0.1:" + std::to_string(ports[i]) + " route=www" +
                                         std::to_string(i + 1)});
  if (sticky) lb.insert(lb.end(), {"--set", "stickysession=BALANCEID"});
  CliProcess balancer(lb);
  for (auto p : ports) EXPECT_TRUE(wait_until([&] { return port_accepts(p); }, 10s)) << p;
  return run_real_socketio_client("http://127.0.0.1:" + std::to_string(ports[2]), "polling");
}

// Ours: every session kept all its events on one node, and none was lost.
bool our_affinity_held(const std::string& scenario) {
  const std::string path = temp_path(scenario + ".json");
  run_cli({"run", "scenarios/" + scenario + ".yaml", "--json", path, "-q"});
  expect_valid_report(path);
  const auto report = json::parse(read_file(path));
  const auto& m = find_scenario(report, scenario)["metrics"];
  return m["sticky_sessions"] == m["sessions"] && m["session_losses"] == 0;
}

TEST(RealtimeVerdicts, RealClientAndStickycheckAgreeOnARouteCookie) {
  const auto client = real_client_over(true);
  EXPECT_EQ(client.sessions, 10);
  EXPECT_EQ(client.kept, 10);  // the real client's verdict: sticky
  EXPECT_TRUE(our_affinity_held("reference-socketio-polling-route-cookie"));
}

TEST(RealtimeVerdicts, RealClientAndStickycheckAgreeOnRoundRobin) {
  const auto client = real_client_over(false);
  EXPECT_EQ(client.sessions, 10);
  EXPECT_EQ(client.kept, 0);  // the real client's verdict: "Session ID unknown", not sticky
  EXPECT_FALSE(our_affinity_held("reference-socketio-polling-round-robin"));
}

// A server whose handshake hands out a sid with a line break in it: the client never puts it
// into a request line (no header of the server's making reaches a request), and the event's
// record says why it failed.
TEST(RealtimeVerdicts, HostileSidNeverReachesARequestLine) {
  ScriptedUpstream server([](const SeenRequest&, int, const ScriptedUpstream::Write& write) {
    const std::string body = R"(0{"sid":"abc\r\nX-Injected: 1","upgrades":[],"pingInterval":25000,)"
                             R"("pingTimeout":20000,"maxPayload":1000000})";
    write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " +
          std::to_string(body.size()) + "\r\n\r\n" + body);
  });
  const std::string scenario = temp_path("hostile-sid.yaml");
  std::ofstream(scenario) << "name: hostile-sid\nbackends:\n  - name: www1\n"
                             "proxy:\n  type: external\n  url: http://127.0.0.1:"
                          << server.port()
                          << "\ntraffic:\n  protocol: socket.io\n  transports: [polling]\n  sessions: 1\n"
                             "  requests_per_session: 2\n  concurrency: 1\n";
  const std::string json = temp_path("hostile-sid.json");
  auto r = run_cli({"run", scenario, "--json", json});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  expect_valid_report(json);
  const auto report = json::parse(read_file(json));
  const auto& m = find_scenario(report, "hostile-sid")["metrics"];
  EXPECT_EQ(m["transport_errors"], 2);
  EXPECT_EQ(m["top_transport_error"]["text"],
            "the handshake's sid is not an engine.io id: abc\\r\\nX-Injected: 1");
  // Two handshakes, and nothing ever sent with that sid.
  int handshakes = 0;
  for (const auto& seen : server.requests()) {
    EXPECT_EQ(seen.head.find("X-Injected"), std::string::npos) << seen.head;
    EXPECT_EQ(seen.head.find("sid="), std::string::npos) << seen.head;
    handshakes += seen.head.starts_with("GET /socket.io/?EIO=4&transport=polling&t=");
  }
  EXPECT_EQ(handshakes, 2);
}

}  // namespace
}  // namespace sc::test
