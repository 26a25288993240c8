// The proxy types beyond the reference balancer, through the real binary: a command line,
// a proxy already running (external), a proxy that refuses its configuration, and one that
// is not installed (skipped outside CI, an error in CI).
#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "harness.hpp"

namespace sc::test {
namespace {

using namespace std::chrono_literals;

std::uint16_t free_port() {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor a(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

bool accepts(std::uint16_t port) {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket s(ioc);
  boost::system::error_code ec;
  s.connect({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
  return !ec;
}

TEST(ProxyTypes, CommandLineProxyWithEveryTrafficOption) {
  const std::string json = temp_path("command.json");
  auto r = run_cli({"run", "fixtures/scenarios/command-reference-balancer.yaml", "--json", json});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  expect_valid_report(json);
  auto s = nlohmann::json::parse(read_file(json))["scenarios"][0];
  EXPECT_EQ(s["proxy"]["type"], "command");
  EXPECT_EQ(s["metrics"]["cookieless_sessions"], 50);  // 25% of 200, spread evenly
  EXPECT_EQ(s["metrics"]["sessions"], 150);
  EXPECT_EQ(s["metrics"]["sticky_sessions"], 150);
  EXPECT_EQ(s["metrics"]["requests"], 1000);
  EXPECT_EQ(s["traffic"]["connection"], "per_request");
}

TEST(ProxyTypes, ExternalProxyIsDrivenAndNothingIsStarted) {
  const auto b1 = free_port(), b2 = free_port(), lb = free_port();
  CliProcess w1({"backend", "--name", "www1", "--listen", "127.0.0.1:" + std::to_string(b1),
                 "--route-cookie", "BALANCEID=balancer.www1; path=/"});
  CliProcess w2({"backend", "--name", "www2", "--listen", "127.0.0.1:" + std::to_string(b2),
                 "--route-cookie", "BALANCEID=balancer.www2; path=/"});
  CliProcess balancer({"balancer", "--listen", "127.0.0.1:" + std::to_string(lb), "--member",
                       "http://127.0.0.1:" + std::to_string(b1) + " route=www1", "--member",
                       "http://127.0.0.1:" + std::to_string(b2) + " route=www2", "--set",
                       "stickysession=BALANCEID"});
  ASSERT_TRUE(wait_until([&] { return accepts(b1) && accepts(b2) && accepts(lb); }, 10s));
  const std::string scenario = temp_path("external.yaml");
  std::ofstream(scenario) << "name: external\nbackends:\n  - name: www1\n  - name: www2\n"
                             "proxy:\n  type: external\n  url: http://127.0.0.1:"
                          << lb
                          << "/\n  stickysession: BALANCEID\n"
                             "traffic:\n  sessions: 100\n  requests_per_session: 4\n";
  const std::string json = temp_path("external.json");
  auto r = run_cli({"run", scenario, "--json", json});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  expect_valid_report(json);
  auto s = nlohmann::json::parse(read_file(json))["scenarios"][0];
  EXPECT_EQ(s["metrics"]["sticky_sessions"], 100);
  EXPECT_GT(s["metrics"]["backends"]["www1"]["first_requests"].get<int>(), 0);
  EXPECT_GT(s["metrics"]["backends"]["www2"]["first_requests"].get<int>(), 0);

  // Nothing listening there: a clear error, exit 3.
  const auto nobody = free_port();
  std::ofstream(scenario) << "name: external\nbackends:\n  - name: www1\nproxy:\n  type: "
                             "external\n  url: http://127.0.0.1:"
                          << nobody << "\n";
  auto down = run_cli({"run", scenario, "--json", ""});
  EXPECT_EQ(down.exit_code, 3);
  EXPECT_NE(down.out.find("the external proxy at http://127.0.0.1:" + std::to_string(nobody) +
                          " cannot be reached"),
            std::string::npos)
      << down.out;
}

TEST(ProxyTypes, ProxyRefusingItsConfigurationIsExitTwoBeforeAnythingStarts) {
  const std::string tmp = temp_path("refuses-tmp");
  std::filesystem::create_directories(tmp);
  auto r = run_cli({"run", "fixtures/scenarios/caddy-refuses-config.yaml", "--json", ""},
                   std::chrono::seconds(60), {"TMPDIR=" + tmp});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_EQ(r.err.rfind("fixtures/scenarios/caddy-refuses-config.yaml: "
                        "fixtures/caddy/unknown-global-option.Caddyfile.in: caddy validate "
                        "refuses it (the adapted file is kept at " + tmp + "/stickycheck-check.",
                        0),
            0u)
      << r.err;
  EXPECT_NE(r.err.find("/Caddyfile): Error: adapting config using caddyfile: "),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("unrecognized global option: persist_config"), std::string::npos);
}

// Caddy lives in /usr/bin, which this PATH lacks (stickycheck adds only the sbin directories).
const std::vector<std::string> kNoCaddy = {"PATH=/nonexistent"};

TEST(ProxyTypes, MissingProxyIsSkippedOutsideCiAndAnErrorInCi) {
  const std::string json = temp_path("missing.json");
  std::vector<std::string> dev_env = kNoCaddy;
  dev_env.push_back("CI");
  auto dev = run_cli({"run", "scenarios/caddy-lb-policy-cookie.yaml", "--json", json, "--no-color"},
                     20s, dev_env);
  EXPECT_EQ(dev.exit_code, 0) << dev.out << dev.err;
  EXPECT_NE(dev.out.find("SKIP  caddy-lb-policy-cookie"), std::string::npos) << dev.out;
  EXPECT_NE(dev.out.find("1 skipped (proxy not installed)"), std::string::npos);
  expect_valid_report(json);
  auto report = nlohmann::json::parse(read_file(json));
  EXPECT_EQ(report["scenarios"][0]["verdict"], "skipped");
  EXPECT_EQ(report["scenarios"][0]["error"],
            "caddy is not installed (install it with: apt-get install caddy)");
  EXPECT_EQ(report["matrix"]["rows"][0]["cells"]["caddy"]["verdict"], "skipped");

  std::vector<std::string> ci_env = kNoCaddy;
  ci_env.push_back("CI=true");
  auto ci = run_cli({"run", "scenarios/caddy-lb-policy-cookie.yaml", "--json", ""}, 20s, ci_env);
  EXPECT_EQ(ci.exit_code, 3) << ci.out;
  EXPECT_NE(ci.out.find("ERROR caddy-lb-policy-cookie"), std::string::npos) << ci.out;
}

// A program of the user's own command line is no proxy to install: a typo there is the
// scenario's error, found before anything starts, in CI or not.
TEST(ProxyTypes, CommandWhoseProgramDoesNotExistIsExitTwo) {
  for (const char* ci : {"CI", "CI=true"}) {
    auto r =
        run_cli({"run", "fixtures/scenarios/command-not-installed.yaml", "--json", ""}, 20s, {ci});
    EXPECT_EQ(r.exit_code, 2) << ci << r.out << r.err;
    EXPECT_EQ(r.err,
              "fixtures/scenarios/command-not-installed.yaml:9:13: proxy.command[0]: "
              "stickycheck-test-no-such-proxy is not an executable file, nor found in PATH\n")
        << ci;
    EXPECT_EQ(r.out, "") << ci;
  }
}

}  // namespace
}  // namespace sc::test
