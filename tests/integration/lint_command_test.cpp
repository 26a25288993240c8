// `stickycheck lint` through the real binary: the compiler-style lines, the exit codes, the
// JSON (lint schema), JUnit (xmllint) and SARIF (the OASIS schema) outputs, includes followed,
// and every configuration the project ships linted without a parse error.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "harness.hpp"
#include "html_browser.hpp"
#include "proxies/lint_finding.hpp"

namespace sc::test {
namespace {

namespace fs = std::filesystem;

std::string write_temp(const std::string& name, const std::string& text) {
  const std::string path = temp_path(name);
  std::ofstream(path) << text;
  return path;
}

int validate(const std::string& tool, const std::string& schema, const std::string& file,
             std::string& out) {
  return run_shell("/usr/bin/python3 " + source_path("tests/tools/" + tool) + " " +
                       source_path(schema) + " " + file + " 2>&1",
                   out);
}

TEST(LintCommand, ErrorsExitOneWithTheCompilersFormatAndEveryOutputValid) {
  const std::string json = temp_path("lint.json"), xml = temp_path("lint.xml"),
                    sarif = temp_path("lint.sarif");
  auto r = run_cli({"lint", "fixtures/apache/failover-off-typo.conf",
                    "fixtures/nginx/shipped/hash-connect-sid.conf", "--json", json, "--junit", xml,
                    "--sarif", sarif});
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("fixtures/apache/failover-off-typo.conf:5:1: error: failover=Off on "
                       "balancer://app: unknown Balancer parameter 'failover' (did you mean "
                       "'nofailover'?) [apache/unknown-balancer-parameter]\n    why: "),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("fixtures/nginx/shipped/hash-connect-sid.conf:5:10: error: hash "
                       "$cookie_connect.sid in upstream node_app: "),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\n2 errors, 0 warnings, 0 notes in 2 files\n"), std::string::npos) << r.out;
  std::string out;
  EXPECT_EQ(validate("validate_report.py", "reports/lint.schema.json", json, out), 0) << out;
  EXPECT_EQ(validate("validate_sarif.py", "reports/sarif-2.1.0.schema.json", sarif, out), 0) << out;
  EXPECT_EQ(run_shell("xmllint --noout --schema " + source_path("reports/junit.xsd") + " " + xml +
                          " 2>&1",
                      out),
            0)
      << out;
  EXPECT_NE(read_file(xml).find("<failure type=\"error\" message=\"failover=Off"),
            std::string::npos);
}

TEST(LintCommand, WarningsAloneExitZero) {
  auto r = run_cli({"lint", "fixtures/nginx/shipped/redirect-to-https.conf"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find(": warning: ip_hash in upstream shop_backend [nginx/ip-hash]"),
            std::string::npos)
      << r.out;
}

TEST(LintCommand, UnreadableOrUnrecognisedFilesExitTwoNamingThem) {
  auto missing = run_cli({"lint", "no/such/file.conf"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.err, "stickycheck lint: no/such/file.conf: cannot read the file\n");
  const std::string prose = write_temp("notes.txt", "hello\nworld\n");
  auto unknown = run_cli({"lint", prose});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.err, "stickycheck lint: " + prose +
                             ": cannot tell which proxy this configuration is for; name it with "
                             "--proxy apache|haproxy|nginx|caddy\n");
  const std::string broken = write_temp("broken.conf", "upstream app {\n  server a:80;\n");
  auto unparsed = run_cli({"lint", "--proxy", "nginx", broken});
  EXPECT_EQ(unparsed.exit_code, 2);
  EXPECT_EQ(unparsed.err.rfind("stickycheck lint: " + broken + ":", 0), 0u) << unparsed.err;
}

TEST(LintCommand, FindingsInAnIncludedFileNameThatFile) {
  const std::string dir = temp_path("lint-include");
  fs::create_directories(dir + "/conf.d");
  std::ofstream(dir + "/conf.d/members.conf")
      << "BalancerMember http://10.0.0.1:80 route=www1\nBalancerMember http://10.0.0.2:80\n";
  std::ofstream(dir + "/site.conf")
      << "<Proxy \"balancer://app\">\n  Include conf.d/*.conf\n  ProxySet "
         "stickysession=ROUTEID\n</Proxy>\nIncludeOptional /etc/apache2/missing/*.conf\n"
         "Header add Set-Cookie \"ROUTEID=.%{BALANCER_WORKER_ROUTE}e; path=/\" "
         "env=BALANCER_ROUTE_CHANGED\nProxyPass / balancer://app/\n";
  auto r = run_cli({"lint", dir + "/site.conf"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find(dir + "/conf.d/members.conf:2:1: error: BalancerMember "
                             "http://10.0.0.2:80 of balancer://app has no route= "
                             "[apache/member-without-route]"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find(": note: IncludeOptional /etc/apache2/missing/*.conf left out: "),
            std::string::npos)
      << r.out;
}

// A file the grammar refuses inside an include: the error names that file and its line, not a
// line of the text lint assembled.
TEST(LintCommand, AnUnparsableIncludedFileIsNamedAtItsOwnLine) {
  const std::string dir = temp_path("lint-include-error");
  fs::create_directories(dir + "/conf.d");
  std::ofstream(dir + "/conf.d/upstream.conf") << "upstream app {\n  server 10.0.0.1:80;;\n}\n";
  std::ofstream(dir + "/nginx.conf")
      << "events {}\nhttp {\n  # the pools\n  include conf.d/*.conf;\n  server { listen 80; }\n}\n";
  auto r = run_cli({"lint", "--proxy", "nginx", dir + "/nginx.conf"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_EQ(r.err.rfind("stickycheck lint: " + dir + "/conf.d/upstream.conf:2:", 0), 0u) << r.err;
}

// Caddy's import of files (a glob) is followed; an import of a snippet is left to the grammar.
TEST(LintCommand, CaddyImportsOfFilesAreFollowed) {
  const std::string dir = temp_path("lint-caddy");
  fs::create_directories(dir + "/sites");
  std::ofstream(dir + "/Caddyfile") << "(common) {\n  encode gzip\n}\nimport sites/*.caddy\n";
  std::ofstream(dir + "/sites/shop.caddy")
      << "shop.example.com {\n  import common\n  reverse_proxy 10.0.0.1:80 10.0.0.2:80 {\n"
         "    lb_policy ip_hash\n  }\n}\n";
  auto r = run_cli({"lint", "--proxy", "caddy", dir + "/Caddyfile"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find(dir + "/sites/shop.caddy:4:1: warning: lb_policy ip_hash [caddy/ip-hash]"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("include-not-followed"), std::string::npos) << r.out;
}

// Every configuration the project ships (scenario configurations, examples and templates,
// placeholders filled) is read without a parse error: lint never refuses what its proxy reads.
TEST(LintCommand, EveryShippedConfigurationIsLinted) {
  const std::regex placeholder(R"(\{\{(\w+)\}\})");
  int linted = 0;
  for (const auto& kind : {"apache", "haproxy", "nginx", "caddy"})
    for (const auto& e :
         fs::recursive_directory_iterator(source_path(std::string("fixtures/") + kind))) {
      if (!e.is_regular_file()) continue;
      std::string text = read_file(e.path().string());
      text = std::regex_replace(text, std::regex(R"(\{\{listen\}\})"), "127.0.0.1:8080");
      text = std::regex_replace(text, std::regex(R"(\{\{address(_\d+)?\}\})"), "127.0.0.1:8001");
      text = std::regex_replace(text, placeholder, "$1");
      const std::string copy =
          write_temp(std::string(kind) + "-" + e.path().filename().string(), text);
      auto r = run_cli({"lint", "--proxy", kind, copy});
      EXPECT_NE(r.exit_code, 2) << e.path() << ":\n" << r.out << r.err;
      ++linted;
    }
  EXPECT_GE(linted, 25);
}

// `run` lints each scenario's configuration first: the findings are in the terminal, the JSON
// (schema), JUnit (a testcase that never fails) and the HTML. And every error rule a bundled
// scenario's configuration triggers loses stickiness under real traffic there (these are the
// negative controls that document it).
TEST(LintCommand, RunReportsWhatLintFindsAndErrorsLoseStickinessForReal) {
  const std::string json = temp_path("lint-run.json"), xml = temp_path("lint-run.xml"),
                    html = temp_path("lint-run.html");
  auto r = run_cli({"run", "scenarios/apache-phpsessid-no-route.yaml",
                    "scenarios/nginx-hash-cookie-consistent.yaml", "--json", json, "--junit", xml,
                    "--html", html, "-q"},
                   std::chrono::seconds(90));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("      lint: fixtures/apache/phpsessid-no-route.conf.in:35:1: error: "
                       "stickysession=PHPSESSID on balancer://app: "),
            std::string::npos)
      << r.out;
  expect_valid_report(json);
  const auto report = nlohmann::json::parse(read_file(json));
  const std::map<std::string, std::string> expected = {
      {"apache-phpsessid-no-route", "apache/session-cookie-without-route"},
      {"nginx-hash-cookie-consistent", "nginx/hash-cookie-first-request"}};
  for (const auto& [name, rule] : expected) {
    const auto& s = find_scenario(report, name);
    ASSERT_EQ(s["proxy"]["lint"].size(), 1u) << name;
    EXPECT_EQ(s["proxy"]["lint"][0]["rule"], rule);
    EXPECT_EQ(s["proxy"]["lint"][0]["severity"], "error");
    EXPECT_LT(find_check(s, "affinity")["observed"].get<double>(), 0.9) << name;
  }
  std::string out;
  EXPECT_EQ(run_shell("xmllint --noout --schema " + source_path("reports/junit.xsd") + " " + xml +
                          " 2>&1",
                      out),
            0)
      << out;
  EXPECT_NE(read_file(xml).find("name=\"lint\" time=\"0\">\n      <system-out>"
                                "fixtures/apache/phpsessid-no-route.conf.in:35:1: error:"),
            std::string::npos);
  EXPECT_NE(read_file(html).find("What lint found in the configuration (1)"), std::string::npos);
}

// Each kind's good lint fixture is a configuration its proxy accepts: lint's "no finding" is
// about files that really run (Apache's with the differential tests' module preamble).
TEST(LintCommand, GoodFixturesPassTheirProxysOwnChecker) {
  const std::string dir = temp_path("lint-apache");
  fs::create_directories(dir);
  std::string preamble = read_file(source_path("fixtures/apache/differential-preamble.conf"));
  preamble = std::regex_replace(preamble, std::regex("@RUNTIME_DIR@"), dir);
  std::vector<std::pair<std::string, std::string>> checks;
  for (const auto& f : fs::directory_iterator(source_path("fixtures/lint/apache"))) {
    const std::string name = f.path().filename().string();
    if (!name.starts_with("good")) continue;
    std::ofstream(dir + "/" + name) << preamble << read_file(f.path().string());
    checks.push_back({"apache", "apache2 -t -f " + dir + "/" + name});
  }
  const std::vector<std::pair<std::string, std::string>> checkers = {
      {"haproxy", "haproxy -c -f "},
      {"nginx", "nginx -t -c "},
      {"caddy", "caddy validate --adapter caddyfile --config "}};
  for (const auto& [kind, checker] : checkers)
    for (const auto& f : fs::directory_iterator(source_path("fixtures/lint/" + kind)))
      if (f.path().filename().string().starts_with("good"))
        checks.push_back({kind, checker + f.path().string()});
  for (const auto& [kind, command] : checks) {
    std::string out;
    EXPECT_EQ(run_shell(command + " 2>&1", out), 0) << kind << ": " << command << "\n" << out;
  }
}

// Each error rule's bad fixture, run as it is with real traffic through its real proxy (the
// adapter points its members at two mock backends): stickiness really breaks (a check fails:
// affinity or losses; distribution when every key hashes alike), or the proxy refuses the file.
TEST(LintCommand, EveryErrorRulesFixtureFailsUnderRealTraffic) {
  const std::map<std::string, std::string> ext = {
      {"apache", "conf"}, {"haproxy", "cfg"}, {"nginx", "conf"}, {"caddy", "Caddyfile"}};
  const std::set<std::string> refused = {"apache/unknown-balancer-parameter",
                                         "nginx/sticky-open-source"};
  int ran = 0;
  for (const auto& rule : lint_rules()) {
    if (rule.severity != Severity::kError) continue;
    const std::string id(rule.id), kind = id.substr(0, id.find('/'));
    const std::string fixture = source_path("fixtures/lint/" + kind + "/bad-" +
                                            id.substr(id.find('/') + 1) + "." + ext.at(kind));
    const std::string dir = temp_path("lint-traffic-" + id.substr(id.find('/') + 1));
    fs::create_directories(dir);
    std::ofstream(dir + "/scenario.yaml")
        << "name: lint-traffic\nbackend_defaults:\n  session_cookie: PHPSESSID\nbackends:\n"
           "  - name: www1\n  - name: www2\nproxy:\n  type: "
        << kind << "\n  config: " << fixture
        << "\ntraffic:\n  sessions: 40\n  requests_per_session: 5\n  concurrency: 5\n"
           "expect:\n  affinity: true\n";
    const std::string json = dir + "/report.json";
    auto r =
        run_cli({"run", dir + "/scenario.yaml", "--json", json, "-q"}, std::chrono::seconds(60));
    ++ran;
    if (refused.count(id)) {
      EXPECT_EQ(r.exit_code, 2) << id << ":\n" << r.out << r.err;
      continue;
    }
    ASSERT_EQ(r.exit_code, 1) << id << ":\n" << r.out << r.err;
    const auto report = nlohmann::json::parse(read_file(json));
    const auto& s = report["scenarios"][0];
    bool broke = false;
    for (const char* check : {"affinity", "session_losses", "distribution"})
      broke = broke || find_check(s, check)["verdict"] == "fail";
    EXPECT_TRUE(broke) << id << ":\n" << r.out;
    bool linted = false;
    for (const auto& f : s["proxy"]["lint"]) linted = linted || f["rule"] == id;
    EXPECT_TRUE(linted) << id << ": the run's report does not carry the finding";
  }
  EXPECT_GE(ran, 12);
}

}  // namespace
}  // namespace sc::test
