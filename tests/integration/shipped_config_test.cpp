// Configurations written as sites write them (fixtures/<kind>/shipped/), through
// `stickycheck init --from` and `stickycheck run` with the real proxy: nginx's compact
// one-line blocks, the 80 -> 443 redirect layouts served over TLS, Debian's vhosts with
// ${APACHE_LOG_DIR}, a balancer under a <Location>, and the checker's refusal pointing at the
// user's own line.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "harness.hpp"

namespace sc::test {
namespace {

namespace fs = std::filesystem;

std::string shipped(const std::string& name, const std::string& kind = "nginx") {
  return std::string(STICKYCHECK_SOURCE_DIR) + "/fixtures/" + kind + "/shipped/" + name;
}

// `init --from FILE`, then `run` of what it wrote; the report's scenario.
nlohmann::json init_and_run(const std::string& from, const std::string& dir, CliResult& run,
                            const std::string& kind = "nginx") {
  auto init = run_cli({"init", "--proxy", kind, "--from", from, dir});
  EXPECT_EQ(init.exit_code, 0) << init.out << init.err;
  run = run_cli({"run", dir, "--json", dir + "/report.json"});
  if (!fs::exists(dir + "/report.json")) return {};
  expect_valid_report(dir + "/report.json");
  return nlohmann::json::parse(read_file(dir + "/report.json"))["scenarios"][0];
}

bool has_note(const nlohmann::json& scenario, const std::string& part) {
  for (const auto& n : scenario["proxy"]["config_notes"])
    if (n.get<std::string>().find(part) != std::string::npos) return true;
  return false;
}

TEST(ShippedNginx, CompactOneLinersRunAndStick) {
  const std::string dir = temp_path("shipped-compact");
  CliResult r;
  const auto s = init_and_run(shipped("compact-one-liners.conf"), dir, r);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(s["verdict"], "pass");
  EXPECT_TRUE(has_note(s, "compact-one-liners.conf:4: member 10.0.0.12:8080 -> backend www2"));
  EXPECT_TRUE(has_note(s, "compact-one-liners.conf:6: listen [::]:80; left out"));
  EXPECT_TRUE(has_note(s, "the sessions ask for app.example.com"));
  const std::string config = s["proxy"]["config"];
  EXPECT_NE(config.find("server_name app.example.com;"), std::string::npos) << config;
}

TEST(ShippedNginx, RedirectToHttpsLayoutRunsOverTlsWithTheRunsCertificate) {
  const std::string dir = temp_path("shipped-https");
  CliResult r;
  const auto s = init_and_run(shipped("redirect-to-https.conf"), dir, r);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(s["verdict"], "pass");
  EXPECT_NE(r.err.find("through https://127.0.0.1:"), std::string::npos) << r.err;
  EXPECT_TRUE(has_note(s, "redirect-to-https.conf:10: the server at line 10 left out: it only "
                          "redirects"));
  EXPECT_TRUE(has_note(s, "served over TLS with a certificate made for this run"));
  EXPECT_TRUE(has_note(s, "redirect-to-https.conf:23: ssl_certificate_key "
                          "/etc/letsencrypt/live/shop.example.com/privkey.pem -> "));
  const std::string config = s["proxy"]["config"];
  EXPECT_NE(config.find("# (stickycheck)     return 301"), std::string::npos) << config;
}

TEST(ShippedNginx, CheckerRefusalPointsAtTheUsersLine) {
  const std::string src = temp_path("shipped-typo-src");
  fs::create_directories(src);
  std::ofstream(src + "/app.conf")
      << "upstream app { ip_hash; server 10.0.0.1:80; server 10.0.0.2:80; }\n"
         "server {\n  listen 80;\n  location / {\n    proxy_pas http://app;\n  }\n}\n";
  const std::string dir = temp_path("shipped-typo");
  ASSERT_EQ(run_cli({"init", "--proxy", "nginx", "--from", src + "/app.conf", dir}).exit_code, 0);
  auto r = run_cli({"run", dir, "--json", ""});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("unknown directive \"proxy_pas\" in " + dir + "/app.conf:5"),
            std::string::npos)
      << r.err;
}

TEST(ShippedNginx, HashOfADottedCookieNameFailsNamingTheVariableNginxReads) {
  const std::string dir = temp_path("shipped-connect-sid");
  CliResult r;
  const auto s = init_and_run(shipped("hash-connect-sid.conf"), dir, r);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("Cause: `hash $cookie_connect.sid` (" + dir +
                       "/hash-connect-sid.conf:5) does not read the cookie connect.sid: an nginx "
                       "variable name ends at '.', so it reads $cookie_connect"),
            std::string::npos)
      << r.out;
}

TEST(ShippedNginx, HashOfACookieNeverSetFailsNamingTheCookiesGiven) {
  const std::string dir = temp_path("shipped-sid-never-set");
  CliResult r;
  const auto s = init_and_run(shipped("hash-cookie-never-set.conf"), dir, r);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("no response set the cookie sid that `hash $cookie_sid` (" + dir +
                       "/hash-cookie-never-set.conf:4) reads, so nginx hashed an empty key for "
                       "every request, which falls back to round robin; the cookies the clients "
                       "were given: PHPSESSID"),
            std::string::npos)
      << r.out;
}

// An API pool beside the shop's: init makes backends of the shop's members only, and the run
// sticks (before, the API's members became www3 and www4, got no session, and the spread
// FAILed a correct configuration with no cause).
TEST(ShippedNginx, OnlyThePoolTheLocationOfThePathReachesBecomesTheBackends) {
  const std::string dir = temp_path("shipped-nginx-locations");
  CliResult r;
  const auto s = init_and_run(shipped("api-and-shop-locations.conf"), dir, r);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(s["verdict"], "pass");
  EXPECT_EQ(s["metrics"]["backends"].size(), 2u) << s["metrics"]["backends"];
  EXPECT_TRUE(has_note(s, "api-and-shop-locations.conf:19: the traffic to / reaches location /, "
                          "upstream shop; the other upstreams (api) stay as written"));
  const std::string config = s["proxy"]["config"];
  EXPECT_NE(config.find("server 10.0.0.31:9000;"), std::string::npos) << config;
}

TEST(ShippedNginx, IncludedSnippetsAreFollowedAndNamedAtTheirOwnLines) {
  const std::string dir = temp_path("shipped-nginx-include");
  fs::copy(shipped("include-snippets"), dir, fs::copy_options::recursive);
  std::ofstream(dir + "/scenario.yaml")
      << "name: nginx-include\nbackend_defaults:\n  session_cookie: PHPSESSID\nbackends:\n"
         "  - name: www1\n  - name: www2\nproxy:\n  type: nginx\n  config: site.conf\n"
         "traffic:\n  sessions: 60\n  requests_per_session: 5\n  source_addresses: per_session\n"
         "  connection: per_request\nexpect:\n  affinity: true\n  max_session_losses: 0\n";
  auto r = run_cli({"run", dir, "--json", ""});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const std::string part :
       {dir + "/site.conf:3: include snippets/upstream-app.conf: read " + dir +
            "/snippets/upstream-app.conf",
        dir + "/snippets/upstream-app.conf:5: member 10.0.2.12:8080 -> backend www2",
        dir + "/site.conf:8: include /etc/letsencrypt/options-ssl-nginx.conf left out: no such "
              "file here (a file of the production host)",
        dir + "/site.conf:10: include proxy_params: read /etc/nginx/proxy_params",
        dir + "/site.conf:6: listen 80; -> listen 127.0.0.1:"})
    EXPECT_NE(r.err.find(part), std::string::npos) << part << "\n" << r.err;
}

TEST(ShippedNginx, IncludeOfAFileOfTheProductionHostAloneIsLeftOut) {
  const std::string src = temp_path("shipped-certbot-include-src");
  fs::create_directories(src);
  std::ofstream(src + "/app.conf")
      << "upstream app { ip_hash; server 10.0.3.1:80; server 10.0.3.2:80; }\n"
         "server {\n  listen 80;\n  include /etc/letsencrypt/options-ssl-nginx.conf;\n"
         "  location / { proxy_pass http://app; }\n}\n";
  const std::string dir = temp_path("shipped-certbot-include");
  CliResult r;
  const auto s = init_and_run(src + "/app.conf", dir, r);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(has_note(s, "app.conf:4: include /etc/letsencrypt/options-ssl-nginx.conf left out: "
                          "no such file here"));
}

TEST(ShippedApache, DebianVhostWithApacheLogDirRunsAndSticks) {
  const std::string dir = temp_path("shipped-debian-vhost");
  CliResult r;
  const auto s = init_and_run(shipped("debian-vhost.conf", "apache"), dir, r, "apache");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(s["verdict"], "pass");
  EXPECT_TRUE(has_note(s, "debian-vhost.conf:8: ErrorLog ${APACHE_LOG_DIR}/shop-error.log -> "
                          "/dev/stderr"));
  const std::string config = s["proxy"]["config"];
  EXPECT_NE(config.find("\nErrorLog /dev/stderr\n"), std::string::npos) << config;
}

TEST(ShippedApache, OnlyTheMembersHttpdReadsUnderIfDefineBecomeBackends) {
  const std::string dir = temp_path("shipped-ifdefine");
  CliResult r;
  const auto s = init_and_run(shipped("ifdefine-staging.conf", "apache"), dir, r, "apache");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(s["verdict"], "pass");
  EXPECT_EQ(s["metrics"]["backends"].size(), 2u) << s["metrics"]["backends"];
  EXPECT_TRUE(has_note(s, "ifdefine-staging.conf:13: member 10.1.0.11:8080 -> backend"));
  const std::string config = s["proxy"]["config"];
  EXPECT_NE(config.find("BalancerMember \"http://10.0.0.13:8080\" route=p3"), std::string::npos)
      << config;
}

TEST(ShippedApache, BalancerUnderALocationIsDrivenAtItsPath) {
  const std::string dir = temp_path("shipped-location");
  CliResult r;
  const auto s = init_and_run(shipped("location-shop.conf", "apache"), dir, r, "apache");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(s["verdict"], "pass");
  EXPECT_TRUE(has_note(s, "the sessions ask for /shop, the path the configuration sends to its "
                          "balancer"));
  EXPECT_EQ(s["traffic"]["path"], "/shop");
}

// The reference balancer reading a production file: its members go to the backends, never to
// the servers the file names (the run sent its 2,000 requests to 10.0.0.31 and .32).
TEST(ShippedReference, OwnConfigurationsMembersArePointedAtTheBackends) {
  const std::string dir = temp_path("shipped-reference-vhost");
  CliResult r;
  const auto s = init_and_run(shipped("debian-vhost.conf", "apache"), dir, r, "reference");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(s["verdict"], "pass");
  EXPECT_TRUE(has_note(s, "debian-vhost.conf:13: member 10.0.0.31:8080 -> backend www1"));
  EXPECT_TRUE(has_note(s, "debian-vhost.conf:14: member 10.0.0.32:8080 -> backend www2"));
  EXPECT_EQ(s["metrics"]["backends"]["www1"]["requests"].get<int>() +
                s["metrics"]["backends"]["www2"]["requests"].get<int>(),
            2000);
}

// The reference balancer maps `ProxyPass URL` inside <Location /shop> as httpd does, and the
// sessions ask for /shop (it refused the file: "no ProxyPass maps a path").
TEST(ShippedReference, BalancerUnderALocationIsDrivenAtItsPath) {
  const std::string dir = temp_path("shipped-reference-location");
  CliResult r;
  const auto s = init_and_run(shipped("location-shop.conf", "apache"), dir, r, "reference");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(s["verdict"], "pass");
  EXPECT_EQ(s["traffic"]["path"], "/shop");
  EXPECT_EQ(s["metrics"]["sticky_sessions"], 200);
}

// An API balancer beside the shop's: only the shop's members (the balancer the traffic's path
// reaches) become backends, for Apache and for the reference balancer reading the same file
// (before: four backends, two of them never reached, and a spread that FAILed with no cause).
TEST(ShippedApache, OnlyTheBalancerThePathReachesBecomesTheBackends) {
  for (const std::string kind : {"apache", "reference"}) {
    const std::string dir = temp_path("shipped-two-balancers-" + kind);
    CliResult r;
    const auto s = init_and_run(shipped("api-and-shop-balancers.conf", "apache"), dir, r, kind);
    ASSERT_EQ(r.exit_code, 0) << kind << r.out << r.err;
    EXPECT_EQ(s["verdict"], "pass") << kind;
    EXPECT_EQ(s["metrics"]["backends"].size(), 2u) << kind << s["metrics"]["backends"];
    EXPECT_TRUE(has_note(s, "api-and-shop-balancers.conf:11: the traffic to / reaches "
                            "balancer://shop; the other balancers (balancer://api) stay as "
                            "written"))
        << kind;
  }
}

// Members and the shop's path given by Defines: read as httpd reads them (before, init found
// one member "${SHOP_APP1}", the run asked for / and FAILed a valid file with 404s).
TEST(ShippedApache, DefinedAddressesAndPathAreReadAsHttpdReadsThem) {
  for (const std::string kind : {"apache", "reference"}) {
    const std::string dir = temp_path("shipped-define-" + kind);
    CliResult r;
    const auto s = init_and_run(shipped("define-members.conf", "apache"), dir, r, kind);
    ASSERT_EQ(r.exit_code, 0) << kind << r.out << r.err;
    EXPECT_EQ(s["verdict"], "pass") << kind;
    EXPECT_EQ(s["traffic"]["path"], "/shop") << kind;
    EXPECT_EQ(s["metrics"]["backends"].size(), 2u) << kind;
    EXPECT_TRUE(has_note(s, "define-members.conf:11: ${SHOP_APP1} -> 10.0.0.91:8080 (its Define)"));
    EXPECT_TRUE(has_note(s, "define-members.conf:12: member 10.0.0.92:8080 -> backend www2"));
  }
}

TEST(ShippedApache, SslVhostInIfModuleRunsOverTlsAndTheRedirectVhostIsLeftOut) {
  const std::string dir = temp_path("shipped-apache-https");
  CliResult r;
  const auto s = init_and_run(shipped("https-vhost.conf", "apache"), dir, r, "apache");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(s["verdict"], "pass");
  EXPECT_NE(r.err.find("through https://127.0.0.1:"), std::string::npos) << r.err;
  EXPECT_TRUE(has_note(s, "https-vhost.conf:4: the <VirtualHost> at line 4 left out: it only "
                          "redirects (to https://shop.example.com/)"));
  EXPECT_TRUE(has_note(s, "https-vhost.conf:14: SSLCertificateKeyFile "
                          "/etc/letsencrypt/live/shop.example.com/privkey.pem -> "));
  const std::string config = s["proxy"]["config"];
  EXPECT_NE(config.find("LoadModule ssl_module"), std::string::npos) << config;
}

// fixtures/apache/shipped/include-members/ copied into a folder of its own, with a scenario.
std::string include_members_folder(const std::string& name) {
  const std::string dir = temp_path(name);
  fs::copy(shipped("include-members", "apache"), dir, fs::copy_options::recursive);
  std::ofstream(dir + "/scenario.yaml")
      << "name: include-members\nbackend_defaults:\n  session_cookie: PHPSESSID\nbackends:\n"
         "  - name: www1\n  - name: www2\nproxy:\n  type: apache\n  config: site.conf\n"
         "traffic:\n  sessions: 60\n  requests_per_session: 5\n"
         "expect:\n  affinity: true\n  max_session_losses: 0\n";
  return dir;
}

TEST(ShippedApache, MembersIncludedInsideProxyAreMappedAtTheirOwnLines) {
  const auto dir = include_members_folder("shipped-include");
  auto r = run_cli({"run", dir, "--json", ""});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find(dir + "/site.conf:9: Include conf-available/shop-members.conf: read "),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(dir + "/conf-available/shop-members.conf:3: member 10.0.0.62:8080 -> "
                             "backend www2"),
            std::string::npos)
      << r.err;
}

TEST(ShippedApache, InitFromAFileWithIncludesCopiesThemAndPairsTheirMembers) {
  const std::string dir = temp_path("shipped-init-include");
  CliResult r;
  const auto s =
      init_and_run(shipped("include-members", "apache") + "/site.conf", dir, r, "apache");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(s["verdict"], "pass");
  EXPECT_EQ(read_file(dir + "/conf-available/shop-members.conf"),
            read_file(shipped("include-members", "apache") + "/conf-available/shop-members.conf"));
  EXPECT_NE(read_file(dir + "/scenario.yaml")
                .find("  - name: www1  # 10.0.0.61:8080\n  - name: www2  # 10.0.0.62:8080\n"),
            std::string::npos);
}

TEST(ShippedApache, ErrorInAnIncludedFileNamesThatFileAndLine) {
  const auto dir = include_members_folder("shipped-include-typo");
  std::ofstream(dir + "/conf-available/shop-members.conf", std::ios::app)
      << "ProxySet lbmethod=bytraffic nofailover=Onn\n";
  auto r = run_cli({"run", dir, "--json", ""});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("Syntax error on line 4 of " + dir + "/conf-available/shop-members.conf"),
            std::string::npos)
      << r.err;
}

TEST(ShippedApache, MissingRelativeIncludeIsExitTwoAtTheUsersLine) {
  const auto dir = include_members_folder("shipped-include-missing");
  fs::remove(dir + "/conf-available/shop-members.conf");
  auto r = run_cli({"run", dir, "--json", ""});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find(dir + "/site.conf:9: Include conf-available/shop-members.conf: no such "
                             "file"),
            std::string::npos)
      << r.err;
}

TEST(ShippedHaproxy, OnlyThePoolTheTrafficReachesBecomesTheBackends) {
  const std::string dir = temp_path("shipped-haproxy-pools");
  CliResult r;
  const auto s = init_and_run(shipped("use-backend-api.cfg", "haproxy"), dir, r, "haproxy");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(s["verdict"], "pass");
  EXPECT_NE(read_file(dir + "/scenario.yaml")
                .find("# In use-backend-api.cfg: the traffic to / reaches default_backend be_web "
                      "(line 20); the other pools (be_api (line 19)) stay as written.\n"),
            std::string::npos);
  EXPECT_EQ(s["metrics"]["backends"].size(), 2u);
  EXPECT_TRUE(has_note(s, "the other pools are left as written: be_api (line 19)"));
  const std::string config = s["proxy"]["config"];
  EXPECT_NE(config.find("server api1 10.0.0.81:8080 check"), std::string::npos) << config;
}

TEST(ShippedCaddy, OnlyTheReverseProxyTheTrafficReachesBecomesTheBackends) {
  const std::string dir = temp_path("shipped-caddy-handle");
  CliResult r;
  const auto s = init_and_run(shipped("handle-api.Caddyfile", "caddy"), dir, r, "caddy");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(s["verdict"], "pass");
  EXPECT_EQ(s["metrics"]["backends"].size(), 2u);
  EXPECT_NE(read_file(dir + "/scenario.yaml")
                .find("the traffic to / reaches the reverse_proxy at line 14; the others (line "
                      "11) stay as written"),
            std::string::npos)
      << read_file(dir + "/scenario.yaml");
  const std::string config = s["proxy"]["config"];
  EXPECT_NE(config.find("reverse_proxy 10.0.1.11:8080 10.0.1.12:8080"), std::string::npos)
      << config;
}

// Sites in files of their own, pulled in by `import sites/*.caddy`: init copies them and
// pairs their members, the run reads them (before: "no site block", exit 2).
TEST(ShippedCaddy, ImportedSiteFilesAreFollowed) {
  const std::string dir = temp_path("shipped-caddy-import");
  CliResult r;
  const auto s = init_and_run(shipped("import-sites/Caddyfile", "caddy"), dir, r, "caddy");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(s["verdict"], "pass");
  EXPECT_TRUE(fs::exists(dir + "/sites/shop.caddy"));
  EXPECT_TRUE(has_note(s, "sites/shop.caddy:2: member 10.0.0.51:8080 -> backend www1"));
  EXPECT_EQ(s["metrics"]["backends"].size(), 2u);
}

TEST(ShippedHaproxy, TlsBindRunsOverTlsWithTheRunsCertificate) {
  const std::string dir = temp_path("shipped-haproxy-https");
  CliResult r;
  const auto s = init_and_run(shipped("https-offload.cfg", "haproxy"), dir, r, "haproxy");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(s["verdict"], "pass");
  EXPECT_NE(r.err.find("through https://127.0.0.1:"), std::string::npos) << r.err;
  EXPECT_TRUE(has_note(s, "https-offload.cfg:20: another bind left out"));
  EXPECT_TRUE(has_note(s, "https-offload.cfg:21: crt /etc/haproxy/certs/shop.example.com.pem -> "
                          "crt "));
  EXPECT_TRUE(has_note(s, "served over TLS with a certificate made for this run"));
  EXPECT_EQ(s["metrics"]["statuses"].size(), 1u) << s["metrics"]["statuses"];
  const std::string config = s["proxy"]["config"];
  EXPECT_NE(config.find("alpn h2,http/1.1"), std::string::npos) << config;
}

TEST(ShippedCaddy, AutomaticHttpsSiteRunsOverTlsWithTheRunsCertificate) {
  const std::string dir = temp_path("shipped-caddy-https");
  CliResult r;
  const auto s = init_and_run(shipped("https-site.Caddyfile", "caddy"), dir, r, "caddy");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(s["verdict"], "pass");
  EXPECT_NE(r.err.find("through https://127.0.0.1:"), std::string::npos) << r.err;
  EXPECT_TRUE(has_note(s, "https-site.Caddyfile:9: site www.shop.example.com left out"));
  EXPECT_TRUE(has_note(s, "the sessions ask for shop.example.com"));
  EXPECT_EQ(s["traffic"]["host"], "shop.example.com");
  EXPECT_TRUE(has_note(s, "served over TLS with a certificate made for this run"));
  EXPECT_EQ(s["metrics"]["statuses"].size(), 1u) << s["metrics"]["statuses"];
  const std::string config = s["proxy"]["config"];
  EXPECT_NE(config.find("auto_https off"), std::string::npos) << config;
}

TEST(ShippedHaproxy, ProxyThatOnlyRedirectsFailsNamingTheRedirects) {
  const std::string dir = temp_path("shipped-haproxy-redirect");
  fs::create_directories(dir);
  std::ofstream(dir + "/haproxy.cfg")
      << "defaults\n  mode http\n  timeout connect 3s\n  timeout client 30s\n"
         "  timeout server 30s\nfrontend www\n  bind :80\n"
         "  http-request redirect scheme https code 301\n  default_backend app\n"
         "backend app\n  cookie SERVERID insert indirect nocache\n"
         "  server s1 10.0.0.1:8080 cookie s1\n  server s2 10.0.0.2:8080 cookie s2\n";
  ASSERT_EQ(run_cli({"init", "--proxy", "haproxy", "--from", dir + "/haproxy.cfg", dir + "/s"})
                .exit_code,
            0);
  auto r = run_cli({"run", dir + "/s", "--json", dir + "/report.json"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("answers by status: 301 ("), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("none of the 2000 answers named a backend: they were 301 (2000); "
                       "redirects (for example 301 to https://"),
            std::string::npos)
      << r.out;
  expect_valid_report(dir + "/report.json");
  const auto m = nlohmann::json::parse(read_file(dir + "/report.json"))["scenarios"][0]["metrics"];
  EXPECT_EQ(m["statuses"]["301"], 2000);
  EXPECT_EQ(m["statuses_without_backend"]["301"], 2000);
}

}  // namespace
}  // namespace sc::test
