// Real processes and real signals: Ctrl-C, a child that dies, a runner that is killed, a busy
// port. After each, no child of stickycheck may be left running.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/asio/ip/tcp.hpp>
#include <nlohmann/json.hpp>

#include "harness.hpp"

namespace sc::test {
namespace {

using namespace std::chrono_literals;

std::string cmdline(int pid) {
  std::string c = read_file("/proc/" + std::to_string(pid) + "/cmdline");
  for (auto& ch : c)
    if (ch == '\0') ch = ' ';
  return c;
}

// Starts the long-running scenario and waits until its three children (two backends and the
// balancer) are up.
std::vector<int> start_long_run(CliProcess& p) {
  std::vector<int> kids;
  EXPECT_TRUE(wait_until([&] {
    kids = children_of(p.pid());
    return kids.size() == 3;
  }, 10s));
  return kids;
}

// The port the run's balancer child listens on, from its command line; 0 until it has one
// (a child just forked still shows its parent's).
std::uint16_t balancer_port(const std::vector<int>& kids) {
  for (int k : kids) {
    const std::string c = cmdline(k);
    const auto listen = c.find("balancer --listen 127.0.0.1:");
    if (listen != std::string::npos)
      return static_cast<std::uint16_t>(std::stoi(c.substr(listen + 28)));
  }
  return 0;
}

// Requests the balancer has sent to `member`, or to any member when it is empty (its
// balancer-manager counts them).
long long elected(std::uint16_t balancer, const std::string& member) {
  const auto answer = http_get(balancer, "/.stickycheck/balancer-manager");
  if (answer.status != 200) return 0;
  const auto state = nlohmann::json::parse(answer.body, nullptr, /*allow_exceptions=*/false);
  if (!state.is_object()) return 0;
  long long n = 0;
  for (const auto& m : state["balancers"][0]["members"])
    if (member.empty() || m["route"] == member) n += m["elected"].get<long long>();
  return n;
}

// Waits until the balancer has sent `at_least` requests of the run's traffic to `member` (any
// member when empty).
bool traffic_reaches(const std::vector<int>& kids, const std::string& member,
                     long long at_least = 1) {
  return wait_until(
      [&] {
        const auto port = balancer_port(kids);
        return port && elected(port, member) >= at_least;
      },
      10s);
}

void expect_all_gone(const std::vector<int>& pids) {
  for (int pid : pids)
    EXPECT_TRUE(wait_until([&] { return !process_exists(pid); }, 5s)) << "orphan: " << pid << " "
                                                                      << cmdline(pid);
}

TEST(Lifecycle, CtrlCMidRunTearsDownEveryChild) {
  const std::string json = temp_path("interrupted.json");
  CliProcess p({"run", "fixtures/scenarios/long-running.yaml", "--json", json});
  auto kids = start_long_run(p);
  ASSERT_EQ(kids.size(), 3u);
  // Two requests in flight at most: the third one sent means one was answered (and recorded).
  ASSERT_TRUE(traffic_reaches(kids, "", 3));
  ::kill(p.pid(), SIGINT);
  auto r = p.wait(20s);
  EXPECT_EQ(r.exit_code, 130) << r.out << r.err;
  expect_all_gone(kids);
  expect_valid_report(json);
  auto report = nlohmann::json::parse(read_file(json));
  EXPECT_EQ(report["interrupted"], true);
  EXPECT_EQ(report["summary"]["verdict"], "interrupted");
  // The requests that completed are still judged, and the scenario says it is partial.
  const auto& s = report["scenarios"][0];
  EXPECT_GT(s["metrics"]["requests"].get<int>(), 0);
  EXPECT_EQ(s["partial"], true);
  EXPECT_NE(s["verdict"], "error");
  EXPECT_FALSE(s["checks"].empty());
  EXPECT_NE(r.out.find("partial (interrupted by signal 2)"), std::string::npos) << r.out;
}

TEST(Lifecycle, ABackendDyingMidRunIsExitThreeNamingIt) {
  CliProcess p({"run", "fixtures/scenarios/long-running.yaml", "--json", ""});
  auto kids = start_long_run(p);
  ASSERT_EQ(kids.size(), 3u);
  int victim = -1;  // found once the child has exec'd (before, it shows its parent's cmdline)
  ASSERT_TRUE(wait_until(
      [&] {
        for (int k : kids)
          if (cmdline(k).find("backend --name www2") != std::string::npos) victim = k;
        return victim > 0;
      },
      10s));
  ASSERT_TRUE(traffic_reaches(kids, "www2"));
  ::kill(victim, SIGKILL);
  auto r = p.wait(20s);
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("backend www2 was killed by signal 9 (Killed) during the traffic"),
            std::string::npos)
      << r.out;
  expect_all_gone(kids);
}

TEST(Lifecycle, KilledRunnerLeavesNoOrphans) {
  CliProcess p({"run", "fixtures/scenarios/long-running.yaml", "--json", ""});
  auto kids = start_long_run(p);
  ASSERT_EQ(kids.size(), 3u);
  ::kill(p.pid(), SIGKILL);  // no chance to clean up: PR_SET_PDEATHSIG must do it
  p.wait(5s);
  expect_all_gone(kids);
}

TEST(Lifecycle, BackendOnABusyPortIsExitThree) {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor busy(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const auto port = std::to_string(busy.local_endpoint().port());
  auto r = run_cli({"backend", "--name", "www1", "--listen", "127.0.0.1:" + port}, 10s);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.err, "stickycheck backend www1: cannot listen on 127.0.0.1:" + port +
                       ": Address already in use\n");
  auto b = run_cli({"balancer", "--listen", "127.0.0.1:" + port, "--member", "http://127.0.0.1:1"},
                   10s);
  EXPECT_EQ(b.exit_code, 3);
  EXPECT_EQ(b.err, "stickycheck balancer: cannot listen on 127.0.0.1:" + port +
                       ": Address already in use\n");
}

TEST(Lifecycle, BalancerConfigErrorsAreExitTwo) {
  auto r = run_cli({"balancer", "--member", "http://127.0.0.1:8081", "--set", "failover=Off"}, 10s);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "stickycheck balancer: --set failover=Off: unknown Balancer parameter 'failover' (did "
            "you mean 'nofailover'?)\n");
  auto none = run_cli({"balancer"}, 10s);
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_EQ(none.err, "stickycheck balancer: at least one --member is required\n");
}

}  // namespace
}  // namespace sc::test
