// The user's own proxy configuration, as it ships, through the real binary and the real
// proxies: pasted files adapted (listen address, members, runtime paths, Apache's modules),
// and the checks that stop a run before anything starts (exit 2).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "../common/fixture_text.hpp"
#include "harness.hpp"

namespace sc::test {
namespace {

namespace fs = std::filesystem;

// A folder of its own for one test, holding `files`.
std::string folder(const std::string& name,
                   const std::vector<std::pair<std::string, std::string>>& files) {
  const std::string dir = temp_path(name);
  fs::create_directories(dir);
  for (const auto& [file, text] : files) std::ofstream(dir + "/" + file) << text;
  return dir;
}

std::string scenario(const std::string& type, const std::string& config,
                     const std::string& extra = "") {
  return "name: own-" + type +
         "\nbackend_defaults:\n  session_cookie: PHPSESSID\nbackends:\n  - name: www1\n"
         "  - name: www2\nproxy:\n  type: " +
         type + "\n  config: " + config +
         "\ntraffic:\n  sessions: 60\n  requests_per_session: 5\n" + extra +
         "expect:\n  affinity: true\n  max_session_losses: 0\n";
}

// The modification time of a file, or -1 when there is none.
long long mtime_of(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<long long>(st.st_mtime) : -1;
}

TEST(OwnConfig, PastedApacheBlockIsMappedOntoTheBackendsAndSticks) {
  const long long system_pid = mtime_of("/run/apache2.pid");
  const auto dir = folder("own-apache", {{"site.conf", pasted_apache_block()},
                                         {"scenario.yaml", scenario("apache", "site.conf")}});
  const std::string json = dir + "/report.json";
  auto r = run_cli({"run", dir, "--json", json});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("own-apache: " + dir +
                       "/site.conf:4: member 127.0.0.1:8001 -> backend "
                       "www1 (127.0.0.1:"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(dir + "/site.conf:1: Listen 80 -> Listen 127.0.0.1:"), std::string::npos)
      << r.err;
  expect_valid_report(json);
  const auto proxy = nlohmann::json::parse(read_file(json))["scenarios"][0]["proxy"];
  EXPECT_EQ(proxy["config_template"], dir + "/site.conf");
  EXPECT_EQ(proxy["config_rendered"], dir + "/report.own-apache.httpd.conf");
  EXPECT_EQ(read_file(proxy["config_rendered"].get<std::string>()), proxy["config"]);
  EXPECT_NE(proxy["config"].get<std::string>().find("LoadModule mpm_event_module"),
            std::string::npos);
  EXPECT_EQ(mtime_of("/run/apache2.pid"), system_pid) << "the system's pid file was touched";
}

TEST(OwnConfig, HaproxyFixedBindIsReplacedWithANote) {
  const char* cfg =
      "defaults\n  mode http\n  timeout connect 3s\n  timeout client 30s\n  timeout server 30s\n"
      "frontend fe\n  bind :8080\n  default_backend app\nbackend app\n"
      "  cookie SERVERID insert indirect nocache\n"
      "  server s1 127.0.0.1:8001 cookie s1\n  server s2 127.0.0.1:8002 cookie s2\n";
  const auto dir = folder(
      "own-haproxy", {{"haproxy.cfg", cfg}, {"scenario.yaml", scenario("haproxy", "haproxy.cfg")}});
  auto r = run_cli({"run", dir, "--json", ""});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find(dir + "/haproxy.cfg:7: bind :8080 -> bind 127.0.0.1:"), std::string::npos)
      << r.err;
}

TEST(OwnConfig, NginxSitesFileWithItsOwnListenAndMembers) {
  const char* site =
      "upstream app {\n  ip_hash;\n  server 127.0.0.1:8001;\n  server 127.0.0.1:8002;\n}\n"
      "server {\n  listen 80;\n  location / {\n    proxy_pass http://app;\n  }\n}\n";
  const auto dir = folder(
      "own-nginx", {{"app.conf", site},
                    {"scenario.yaml",
                     scenario("nginx", "app.conf",
                              "  source_addresses: per_session\n  connection: per_request\n")}});
  auto r = run_cli({"run", dir, "--json", ""});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find(dir + "/app.conf:7: listen 80; -> listen 127.0.0.1:"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(dir + "/app.conf:3: member 127.0.0.1:8001 -> backend www1"),
            std::string::npos)
      << r.err;
}

TEST(OwnConfig, MembersThatCannotBeMappedAreExitTwo) {
  const auto dir = folder("own-unmapped",
                          {{"site.conf", pasted_apache_block()},
                           {"scenario.yaml",
                            "name: t\nbackends: [{name: a}, {name: b}, {name: c}]\nproxy:\n  type: "
                            "apache\n  config: site.conf\n"}});
  auto r = run_cli({"run", dir + "/scenario.yaml", "--json", ""});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, dir + "/scenario.yaml:5:11: proxy.config: " + dir +
                       "/site.conf:4: 2 BalancerMembers (127.0.0.1:8001, 127.0.0.1:8002) for 3 "
                       "backends (a, b, c): they are paired in order only when the counts match; "
                       "say which is which with proxy.members, e.g. {\"127.0.0.1:8001\": a}\n");
}

TEST(OwnConfig, TemplateWithoutAnythingToListenOnIsExitTwo) {
  const auto dir = folder(
      "own-nolisten",
      {{"haproxy.cfg", "backend app\n  server s1 127.0.0.1:8001\n  server s2 127.0.0.1:8002\n"},
       {"scenario.yaml", scenario("haproxy", "haproxy.cfg")}});
  auto r = run_cli({"run", dir + "/scenario.yaml", "--json", ""});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, dir + "/scenario.yaml:9:11: proxy.config: " + dir +
                       "/haproxy.cfg: no frontend or listen section, so nothing binds the address "
                       "stickycheck gives the proxy; add one with `bind {{listen}}`\n");
}

TEST(OwnConfig, PathOutsideTheRuntimeDirectoryIsExitTwo) {
  const auto dir =
      folder("own-outside",
             {{"site.conf", "ScoreBoardFile /var/run/apache2/scoreboard\n" + pasted_apache_block()},
              {"scenario.yaml", scenario("apache", "site.conf")}});
  auto r = run_cli({"run", dir + "/scenario.yaml", "--json", ""});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, dir + "/scenario.yaml:9:11: proxy.config: " + dir +
                       "/site.conf:1: ScoreBoardFile /var/run/apache2/scoreboard would write "
                       "outside the runtime directory; remove it, or write under "
                       "{{runtime_dir}}\n");
}

TEST(OwnConfig, ProxysOwnCheckerRefusalIsExitTwoQuotingIt) {
  const auto dir = folder(
      "own-checker", {{"haproxy.cfg",
                       "frontend fe\n  bnd :80\n  bind :80\n  default_backend app\nbackend app\n"
                       "  server s1 127.0.0.1:8001\n  server s2 127.0.0.1:8002\n"},
                      {"scenario.yaml", scenario("haproxy", "haproxy.cfg")}});
  const std::string tmp = temp_path("own-checker-tmp");
  fs::create_directories(tmp);
  auto r = run_cli({"run", dir + "/scenario.yaml", "--json", ""}, std::chrono::seconds(60),
                   {"TMPDIR=" + tmp});
  EXPECT_EQ(r.exit_code, 2);
  const std::string head = dir + "/scenario.yaml: " + dir +
                           "/haproxy.cfg: haproxy -c refuses it (the adapted file is kept at " +
                           tmp + "/stickycheck-check.";
  EXPECT_EQ(r.err.rfind(head, 0), 0u) << r.err;
  EXPECT_NE(r.err.find("/haproxy.cfg): [ALERT]"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("unknown keyword 'bnd' in 'frontend' section"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace sc::test
