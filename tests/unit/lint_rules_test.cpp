// Every lint rule: a configuration that triggers it and a near-identical one that does not
// (src/proxies/<kind>/<kind>_lint.cpp), the kinds recognised from content, and the outputs.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "causes/causes.hpp"
#include "lint/lint_run.hpp"
#include "proxies/apache/apache_lint.hpp"
#include "proxies/caddy/caddy_lint.hpp"
#include "proxies/haproxy/haproxy_lint.hpp"
#include "proxies/nginx/nginx_lint.hpp"
#include "proxies/proxy_detect.hpp"
#include "render/lint_render.hpp"

namespace sc {
namespace {

std::vector<std::string> rules_in(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  for (const auto& f : findings) out.push_back(f.rule);
  return out;
}

std::vector<std::string> apache_rules(const std::string& text) {
  auto r = apache::lint(text, "site.conf");
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? rules_in(*r) : std::vector<std::string>{};
}
std::vector<std::string> haproxy_rules(const std::string& text) {
  return rules_in(haproxy::lint(text, "haproxy.cfg"));
}
std::vector<std::string> nginx_rules(const std::string& text) {
  auto r = nginx::lint(text, "site.conf");
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? rules_in(*r) : std::vector<std::string>{};
}
std::vector<std::string> caddy_rules(const std::string& text) {
  auto r = caddy::lint(text, "Caddyfile");
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? rules_in(*r) : std::vector<std::string>{};
}

using Rules = std::vector<std::string>;

std::string apache_balancer(const std::string& members, const std::string& params,
                            const std::string& header = "") {
  return "<Proxy \"balancer://app\">\n" + members + "  ProxySet " + params + "\n</Proxy>\n" +
         header + "ProxyPass / balancer://app/\n";
}
const std::string kRoutedMembers =
    "  BalancerMember http://10.0.0.1:80 route=www1\n  BalancerMember http://10.0.0.2:80 "
    "route=www2\n";
const std::string kRecipe =
    "Header add Set-Cookie \"ROUTEID=.%{BALANCER_WORKER_ROUTE}e; path=/\" "
    "env=BALANCER_ROUTE_CHANGED\n";

TEST(LintApache, SessionCookieWithoutRouteIsAnError) {
  auto f = apache::lint(apache_balancer(kRoutedMembers, "stickysession=PHPSESSID"), "site.conf");
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(rules_in(*f), Rules{"apache/session-cookie-without-route"});
  EXPECT_EQ((*f)[0].severity, Severity::kError);
  EXPECT_EQ((*f)[0].line, 4u);
  EXPECT_EQ((*f)[0].message,
            "stickysession=PHPSESSID on balancer://app: PHPSESSID values are the application's "
            "session ids, and nothing in this file gives them a '.route'");
  EXPECT_EQ((*f)[0].fix, route_cookie_remedy());
  EXPECT_EQ(apache_rules(apache_balancer(kRoutedMembers, "stickysession=ROUTEID", kRecipe)),
            Rules{});
}

TEST(LintApache, JsessionidWithoutRouteIsAWarningAboutJvmRoute) {
  auto f = apache::lint(apache_balancer(kRoutedMembers, "stickysession=JSESSIONID|jsessionid"),
                        "site.conf");
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(f->size(), 1u);
  EXPECT_EQ((*f)[0].severity, Severity::kWarning);
  EXPECT_NE((*f)[0].why.find("jvmRoute equals its member's route="), std::string::npos);
}

TEST(LintApache, MemberWithoutRouteAndDuplicateRoutes) {
  EXPECT_EQ(
      apache_rules(apache_balancer(
          "  BalancerMember http://10.0.0.1:80 route=www1\n  BalancerMember http://10.0.0.2:80\n",
          "stickysession=ROUTEID", kRecipe)),
      Rules{"apache/member-without-route"});
  EXPECT_EQ(apache_rules(apache_balancer("  BalancerMember http://10.0.0.1:80 route=www1\n  "
                                         "BalancerMember http://10.0.0.2:80 route=www1\n",
                                         "stickysession=ROUTEID", kRecipe)),
            Rules{"apache/duplicate-route"});
  // Without stickiness, routes do not matter.
  EXPECT_EQ(apache_rules(apache_balancer(
                "  BalancerMember http://10.0.0.1:80\n  BalancerMember http://10.0.0.2:80\n",
                "lbmethod=byrequests")),
            Rules{});
}

TEST(LintApache, RecipeThatSetsAnotherCookieThanTheBalancerReads) {
  const std::string typo =
      "Header add Set-Cookie \"ROUTE_ID=.%{BALANCER_WORKER_ROUTE}e; path=/\" "
      "env=BALANCER_ROUTE_CHANGED\n";
  EXPECT_EQ(apache_rules(apache_balancer(kRoutedMembers, "stickysession=ROUTEID", typo)),
            Rules{"apache/route-cookie-not-read"});
}

TEST(LintApache, RecipeWithoutSeparatorOrEnvCondition) {
  EXPECT_EQ(apache_rules(apache_balancer(
                kRoutedMembers, "stickysession=ROUTEID",
                "Header add Set-Cookie \"ROUTEID=%{BALANCER_WORKER_ROUTE}e; path=/\" "
                "env=BALANCER_ROUTE_CHANGED\n")),
            Rules{"apache/route-without-separator"});
  EXPECT_EQ(apache_rules(apache_balancer(
                kRoutedMembers, "stickysession=ROUTEID stickysessionsep=~",
                "Header add Set-Cookie \"ROUTEID=x~%{BALANCER_WORKER_ROUTE}e; path=/\" "
                "env=BALANCER_ROUTE_CHANGED\n")),
            Rules{});
  EXPECT_EQ(apache_rules(apache_balancer(
                kRoutedMembers, "stickysession=ROUTEID",
                "Header add Set-Cookie \"ROUTEID=.%{BALANCER_WORKER_ROUTE}e; path=/\"\n")),
            Rules{"apache/route-recipe-without-env"});
}

TEST(LintApache, RouteCookiePathOrSecureThatDoNotFitTheVirtualHostAreWarnings) {
  const std::string vhost =
      "<VirtualHost *:80>\n  ServerName shop.example.com\n" +
      apache_balancer(kRoutedMembers, "stickysession=ROUTEID",
                      "Header add Set-Cookie \"ROUTEID=.%{BALANCER_WORKER_ROUTE}e; ATTRS\" "
                      "env=BALANCER_ROUTE_CHANGED\n") +
      "</VirtualHost>\n";
  auto with = [&](const std::string& attrs) {
    auto text = vhost;
    text.replace(text.find("ATTRS"), 5, attrs);
    auto r = apache::lint(text, "site.conf");
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : std::vector<Finding>{};
  };
  const auto path = with("path=/shop");
  ASSERT_EQ(rules_in(path), Rules{"apache/route-cookie-attributes"});
  EXPECT_EQ(path[0].severity, Severity::kWarning);
  EXPECT_EQ(path[0].message,
            "ROUTEID's Path=/shop does not cover /, which this virtual host proxies");
  const auto secure = with("path=/; Secure");
  ASSERT_EQ(rules_in(secure), Rules{"apache/route-cookie-attributes"});
  EXPECT_EQ(secure[0].message, "ROUTEID is Secure, but this virtual host serves plain http");
  EXPECT_EQ(rules_in(with("path=/; domain=example.com; HttpOnly")), Rules{});
}

TEST(LintApache, UnknownParameterInHttpdsWordsAndNofailover) {
  auto f = apache::lint(apache_balancer(kRoutedMembers, "failover=Off"), "site.conf");
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(rules_in(*f), Rules{"apache/unknown-balancer-parameter"});
  EXPECT_EQ((*f)[0].message,
            "failover=Off on balancer://app: unknown Balancer parameter 'failover' (did you mean "
            "'nofailover'?)");
  EXPECT_EQ(apache_rules(apache_balancer(kRoutedMembers, "nofailover=On")),
            Rules{"apache/nofailover"});
  EXPECT_EQ(apache_rules(apache_balancer(kRoutedMembers, "nofailover=Off")), Rules{});
}

// A member's own parameters are no balancer's: httpd refuses `ProxySet ... lbset=1` and
// `status=+H` on a balancer (apache2 -t), and so do lint and the reference balancer.
TEST(LintApache, MemberParametersOnABalancerAreUnknown) {
  for (const char* p : {"lbset=1", "status=+H"})
    EXPECT_EQ(apache_rules(apache_balancer(kRoutedMembers,
                                           std::string("stickysession=ROUTEID ") + p, kRecipe)),
              Rules{"apache/unknown-balancer-parameter"})
        << p;
  EXPECT_EQ(apache_rules(apache_balancer(kRoutedMembers, "stickysession=ROUTEID growth=2 timeout=5",
                                         kRecipe)),
            Rules{});
}

// socket.io's recipe: one balancer for polling, one for WebSocket, one route cookie recipe. A
// mistake in the recipe is said once, not once per balancer.
TEST(LintApache, OneRecipeSharedByTwoBalancersIsFoundOnce) {
  const std::string text =
      "<Proxy balancer://poll>\n  BalancerMember http://10.0.0.1:80 route=a\n  ProxySet "
      "stickysession=SERVERID\n</Proxy>\n<Proxy balancer://ws>\n  BalancerMember ws://10.0.0.1:80 "
      "route=a\n  ProxySet stickysession=SERVERID\n</Proxy>\nHeader add Set-Cookie "
      "\"SERVERID=sticky.%{BALANCER_WORKER_ROUTE}e; path=/\"\n";
  auto r = lint_text("site.conf", text, "apache");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(rules_in(r->findings), Rules{"apache/route-recipe-without-env"});
}

TEST(LintApache, ProxyPassParametersAndMembersOutsideTheSectionCount) {
  EXPECT_EQ(apache_rules("BalancerMember balancer://app http://10.0.0.1:80 route=a\n"
                         "ProxyPass /shop balancer://app/ stickysession=PHPSESSID\n"),
            Rules{"apache/session-cookie-without-route"});
}

const std::string kHaproxy =
    "defaults\n  mode http\nfrontend fe\n  bind :80\n  default_backend app\nbackend app\n";

TEST(LintHaproxy, ServersWithoutOrWithDuplicateCookieValues) {
  EXPECT_EQ(haproxy_rules(kHaproxy + "  option redispatch\n  cookie SRV insert indirect nocache\n"
                                     "  server a 10.0.0.1:80 cookie a\n  server b 10.0.0.2:80\n"),
            Rules{"haproxy/server-without-cookie"});
  EXPECT_EQ(haproxy_rules(kHaproxy +
                          "  option redispatch\n  cookie SRV insert indirect nocache\n"
                          "  server a 10.0.0.1:80 cookie a\n  server b 10.0.0.2:80 cookie a\n"),
            Rules{"haproxy/duplicate-cookie-value"});
  EXPECT_EQ(haproxy_rules(kHaproxy +
                          "  option redispatch\n  cookie SRV insert indirect nocache\n"
                          "  server a 10.0.0.1:80 cookie a\n  server b 10.0.0.2:80 cookie b\n"),
            Rules{});
}

TEST(LintHaproxy, InsertWithoutIndirectNocacheNamesWhatIsMissing) {
  auto f = haproxy::lint(kHaproxy +
                             "  option redispatch\n  cookie SRV insert indirect\n"
                             "  server a 10.0.0.1:80 cookie a\n",
                         "haproxy.cfg");
  ASSERT_EQ(rules_in(f), Rules{"haproxy/insert-without-indirect-nocache"});
  EXPECT_EQ(f[0].message, "cookie SRV insert in backend app without nocache");
  EXPECT_EQ(f[0].line, 8u);
}

TEST(LintHaproxy, NoRedispatchOnlyWithoutHealthChecks) {
  const std::string cookie = "  cookie SRV insert indirect nocache\n";
  EXPECT_EQ(haproxy_rules(kHaproxy + cookie + "  server a 10.0.0.1:80 cookie a\n"),
            Rules{"haproxy/no-redispatch"});
  EXPECT_EQ(haproxy_rules(kHaproxy + cookie + "  server a 10.0.0.1:80 cookie a check\n"), Rules{});
  EXPECT_EQ(haproxy_rules("defaults\n  option redispatch\n" + kHaproxy.substr(9) + cookie +
                          "  server a 10.0.0.1:80 cookie a\n"),
            Rules{});
}

TEST(LintHaproxy, BalanceSource) {
  EXPECT_EQ(haproxy_rules(kHaproxy + "  balance source\n  server a 10.0.0.1:80\n"),
            Rules{"haproxy/balance-source"});
  EXPECT_EQ(haproxy_rules(kHaproxy + "  balance roundrobin\n  server a 10.0.0.1:80\n"), Rules{});
}

std::string nginx_upstream(const std::string& body) {
  return "http {\n  upstream app {\n" + body +
         "    server 10.0.0.1:80;\n  }\n  server {\n    listen 80;\n    location / { proxy_pass "
         "http://app; }\n  }\n}\n";
}

TEST(LintNginx, CookieHashLeavesTheFirstRequestUnbound) {
  EXPECT_EQ(nginx_rules(nginx_upstream("    hash $cookie_PHPSESSID consistent;\n")),
            Rules{"nginx/hash-cookie-first-request"});
  EXPECT_EQ(nginx_rules(nginx_upstream("    hash $request_uri consistent;\n")), Rules{});
}

TEST(LintNginx, CookieVariableThatNginxReadsShorter) {
  auto f = nginx::lint(nginx_upstream("    hash $cookie_connect.sid consistent;\n"), "site.conf");
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(rules_in(*f), Rules{"nginx/cookie-variable-name"});
  EXPECT_EQ((*f)[0].line, 3u);
  EXPECT_EQ((*f)[0].column, 10u);
}

TEST(LintNginx, HashWithoutConsistentIpHashAndSticky) {
  EXPECT_EQ(nginx_rules(nginx_upstream("    hash $request_uri;\n")),
            Rules{"nginx/hash-without-consistent"});
  EXPECT_EQ(nginx_rules(nginx_upstream("    ip_hash;\n")), Rules{"nginx/ip-hash"});
  EXPECT_EQ(nginx_rules(nginx_upstream("    sticky cookie srv_id expires=1h;\n")),
            Rules{"nginx/sticky-open-source"});
  EXPECT_EQ(nginx_rules(nginx_upstream("    least_conn;\n")), Rules{});
}

// nginx applies proxy_set_header of the innermost level that has any: a location setting one
// header of its own drops the server's Upgrade and Connection.
TEST(LintNginx, UpgradeHeadersAreJudgedAsNginxInheritsThem) {
  auto text = [](const std::string& inner) {
    return "events {}\nhttp {\n  upstream app { server 10.0.0.1:80; }\n  server {\n    listen 80;\n"
           "    proxy_http_version 1.1;\n    proxy_set_header Upgrade $http_upgrade;\n"
           "    proxy_set_header Connection \"upgrade\";\n    location /socket.io/ {\n" +
           inner + "      proxy_pass http://app;\n    }\n  }\n}\n";
  };
  EXPECT_EQ(nginx_rules(text("")), Rules{});
  EXPECT_EQ(nginx_rules(text("      proxy_set_header X-Real-IP $remote_addr;\n")),
            Rules{"nginx/websocket-without-upgrade"});
  EXPECT_EQ(nginx_rules(text("      proxy_read_timeout 1m;\n")), Rules{});
  EXPECT_EQ(nginx_rules(text("      proxy_read_timeout 20000ms;\n")),
            Rules{"nginx/read-timeout-under-ping-interval"});
}

TEST(LintHaproxy, ServerTimeoutInMillisecondsInFrontOfSocketIo) {
  const std::string cfg =
      "defaults\n  mode http\n  timeout server 5000\nfrontend fe\n  bind :80\n"
      "  acl io path_beg /socket.io/\n  default_backend app\nbackend app\n"
      "  server a 10.0.0.1:80\n";
  EXPECT_EQ(haproxy_rules(cfg), Rules{"haproxy/server-timeout-under-ping-interval"});
  // Without socket.io in the file, a short timeout is nobody's business here.
  EXPECT_EQ(
      haproxy_rules(cfg.substr(0, cfg.find("  acl")) + cfg.substr(cfg.find("  default_backend"))),
      Rules{});
}

TEST(LintCaddy, IpHashAndCookieWithoutSecret) {
  const std::string site =
      "example.com {\n  reverse_proxy 10.0.0.1:80 10.0.0.2:80 {\n    lb_policy ";
  EXPECT_EQ(caddy_rules(site + "ip_hash\n  }\n}\n"), Rules{"caddy/ip-hash"});
  EXPECT_EQ(caddy_rules(site + "cookie lb\n  }\n}\n"), Rules{"caddy/cookie-without-secret"});
  EXPECT_EQ(caddy_rules(site + "cookie lb s3cret\n  }\n}\n"), Rules{});
}

TEST(LintDetect, EachKindIsRecognisedFromItsContent) {
  EXPECT_EQ(detect_proxy_kind(apache_balancer(kRoutedMembers, "stickysession=ROUTEID")), "apache");
  EXPECT_EQ(detect_proxy_kind(kHaproxy + "  server a 10.0.0.1:80\n"), "haproxy");
  EXPECT_EQ(detect_proxy_kind(nginx_upstream("    ip_hash;\n")), "nginx");
  EXPECT_EQ(detect_proxy_kind("example.com {\n  reverse_proxy 10.0.0.1:80\n}\n"), "caddy");
  EXPECT_EQ(detect_proxy_kind("hello world\n"), "");
}

// fixtures/lint/<kind>/: for every rule, bad-<name>.<ext> triggers it and nothing else, and
// good.<ext>, one line away, triggers nothing (the tests also run the real checker on it).
TEST(LintFixtures, EveryRuleHasABadFixtureAndAGoodTwin) {
  const std::map<std::string, std::string> ext = {
      {"apache", "conf"}, {"haproxy", "cfg"}, {"nginx", "conf"}, {"caddy", "Caddyfile"}};
  const std::string root = std::string(STICKYCHECK_SOURCE_DIR) + "/fixtures/lint/";
  for (const auto& rule : lint_rules()) {
    const std::string id(rule.id);
    std::string kind = id.substr(0, id.find('/'));
    if (kind == "lint") kind = "apache";
    const std::string name = id.substr(id.find('/') + 1);
    auto bad = lint_files({root + kind + "/bad-" + name + "." + ext.at(kind)}, kind);
    ASSERT_TRUE(bad.ok()) << id << ": " << bad.error().message;
    EXPECT_EQ(rules_in(bad->findings), Rules{id}) << id;
  }
  int goods = 0;
  for (const auto& [kind, e] : ext)
    for (const auto& f : std::filesystem::directory_iterator(root + kind)) {
      if (!f.path().filename().string().starts_with("good")) continue;
      auto good = lint_files({f.path().string()}, kind);
      ASSERT_TRUE(good.ok()) << good.error().message;
      EXPECT_EQ(rules_in(good->findings), Rules{}) << f.path();
      ++goods;
    }
  EXPECT_GE(goods, 4);
}

// The seed's own configuration gets both of its mistakes, each at its line.
TEST(LintFixtures, TheSeedsConfigurationGetsBothFindings) {
  auto r =
      lint_files({std::string(STICKYCHECK_SOURCE_DIR) + "/fixtures/lint/apache/seed.conf"}, "");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->files.at(0).kind, "apache");
  EXPECT_EQ(rules_in(r->findings),
            (Rules{"apache/unknown-balancer-parameter", "apache/session-cookie-without-route"}));
  EXPECT_EQ(r->findings.at(0).line, 9u);
  EXPECT_EQ(r->count(Severity::kError), 2u);
}

// The lint JSON schema's rule ids are the catalogue's, so a new rule cannot be left out.
TEST(LintFixtures, SchemaNamesEveryRule) {
  std::ifstream in(std::string(STICKYCHECK_SOURCE_DIR) + "/reports/lint.schema.json");
  const auto schema = nlohmann::json::parse(in);
  std::vector<std::string> ids;
  for (const auto& r : lint_rules()) ids.emplace_back(r.id);
  EXPECT_EQ(schema["properties"]["findings"]["items"]["properties"]["rule"]["enum"]
                .get<std::vector<std::string>>(),
            ids);
}

TEST(LintOutput, TerminalLinesAreTheCompilersFormat) {
  LintResult r;
  r.files.push_back({"haproxy.cfg", "haproxy", {}});
  r.findings =
      haproxy::lint(kHaproxy + "  balance source\n  server a 10.0.0.1:80\n", "haproxy.cfg");
  const std::string out = render_lint_terminal(r);
  EXPECT_EQ(out.substr(0, out.find('\n')),
            "haproxy.cfg:7:1: warning: balance source in backend app [haproxy/balance-source]");
  EXPECT_NE(out.find("\n0 errors, 1 warning, 0 notes in 1 file\n"), std::string::npos) << out;
}

TEST(LintOutput, SarifListsEveryRuleAndPointsResultsAtThem) {
  LintResult r;
  r.files.push_back({"/etc/haproxy/haproxy cfg", "haproxy", {}});
  r.findings = haproxy::lint(kHaproxy + "  balance source\n  server a 10.0.0.1:80\n",
                             "/etc/haproxy/haproxy cfg");
  const auto log = nlohmann::json::parse(render_lint_sarif(r, "1.0"));
  const auto& run = log["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["rules"].size(), lint_rules().size());
  const auto& result = run["results"][0];
  EXPECT_EQ(run["tool"]["driver"]["rules"][result["ruleIndex"].get<std::size_t>()]["id"],
            "haproxy/balance-source");
  EXPECT_EQ(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "file:///etc/haproxy/haproxy%20cfg");
}

}  // namespace
}  // namespace sc
