// Reading the balancer part of an Apache configuration, with httpd-like located errors.
#include "balancer/apache_conf.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "balancer/header_rules.hpp"
#include "balancer/websocket_tunnel.hpp"
#include "proxies/apache/apache_syntax.hpp"

namespace sc {
namespace {

const char* kManualRecipe = R"(# The Apache 2.4 manual's stickiness example, in a full config.
ServerRoot "/etc/apache2"
LoadModule proxy_module modules/mod_proxy.so
Listen 127.0.0.1:8080
LogLevel warn proxy_balancer:debug
<IfModule mod_headers.c>
Header add Set-Cookie "ROUTEID=.%{BALANCER_WORKER_ROUTE}e; path=/" env=BALANCER_ROUTE_CHANGED
</IfModule>
<Proxy "balancer://mycluster">
    BalancerMember "http://192.168.1.50:80" route=1
    BalancerMember "http://192.168.1.51:80" route=2 \
        loadfactor=2 timeout=5
    ProxySet stickysession=ROUTEID
</Proxy>
<Location "/balancer-manager">
    SetHandler balancer-manager
</Location>
ProxyPass        "/test" "balancer://mycluster"
ProxyPassReverse "/test" "balancer://mycluster"
)";

TEST(ApacheConf, ReadsTheManualsRecipe) {
  auto site = parse_apache_conf(kManualRecipe, "httpd.conf");
  ASSERT_TRUE(site.ok()) << site.error().message;
  EXPECT_EQ(site->listen, "127.0.0.1:8080");
  EXPECT_TRUE(site->debug_log);
  ASSERT_EQ(site->balancers.size(), 1u);
  const auto& b = site->balancers[0];
  EXPECT_EQ(b.name, "balancer://mycluster");
  EXPECT_EQ(b.sticky.cookie_name, "ROUTEID");
  ASSERT_EQ(b.members.size(), 2u);
  EXPECT_EQ(b.members[1].host, "192.168.1.51");
  EXPECT_EQ(b.members[1].route, "2");
  EXPECT_EQ(b.members[1].lbfactor(), 200);
  ASSERT_EQ(site->routes.size(), 1u);
  EXPECT_EQ(site->routes[0].prefix, "/test");
  EXPECT_EQ(site->routes[0].balancer_path, "");  // "balancer://mycluster" has no path
  ASSERT_EQ(site->headers.size(), 1u);
  EXPECT_EQ(site->headers[0].env, "BALANCER_ROUTE_CHANGED");
  EXPECT_EQ(site->notes,
            (std::vector<std::string>{
                "httpd.conf:2: ServerRoot skipped (not part of the balancer)",
                "httpd.conf:3: LoadModule skipped (not part of the balancer)",
                "httpd.conf:6: <IfModule mod_headers.c> read through: every module counts as loaded",
                "httpd.conf:11: BalancerMember: timeout is accepted but not modelled by the "
                "reference balancer",
                "httpd.conf:15: <Location /balancer-manager>: the balancer-manager has no "
                "Require: only local clients may use it (Require local)"}));
  ASSERT_TRUE(site->manager.has_value());
  EXPECT_EQ(site->manager->path, "/balancer-manager");
}

TEST(ApacheConf, ParametersOnProxyPassAndOutsideProxySections) {
  auto site = parse_apache_conf(
      "Listen 9000\n"
      "BalancerMember balancer://c http://127.0.0.1:1 route=a status=+H\n"
      "ProxySet balancer://c lbmethod=bybusyness\n"
      "ProxyPass /static !\n"
      "ProxyPass /app/ balancer://c/inner/ stickysession=JSESSIONID|jsessionid nofailover=On\n",
      "c.conf");
  ASSERT_TRUE(site.ok()) << site.error().message;
  EXPECT_EQ(site->listen, "0.0.0.0:9000");
  EXPECT_FALSE(site->manager.has_value());
  const auto& b = site->balancers[0];
  EXPECT_EQ(b.lbmethod, LbMethod::kByBusyness);
  EXPECT_TRUE(b.nofailover);
  EXPECT_EQ(b.sticky.param_name, "jsessionid");
  EXPECT_EQ(flag_letters(b.members[0].status), "H");
  ASSERT_EQ(site->routes.size(), 2u);
  EXPECT_EQ(site->routes[0].balancer, -1);
  EXPECT_EQ(site->routes[1].balancer_path, "/inner/");
}

TEST(ApacheConf, UnknownBalancerParameterIsRejectedLikeHttpdWithAHint) {
  auto r = parse_apache_conf(
      "<Proxy balancer://c>\n  BalancerMember http://127.0.0.1:1\n  ProxySet failover=Off\n"
      "</Proxy>\nProxyPass / balancer://c/\n",
      "bad.conf");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "bad.conf:3: ProxySet: unknown Balancer parameter 'failover' (did you mean "
            "'nofailover'?)");
}

TEST(ApacheConf, OtherErrorsAreLocated) {
  EXPECT_EQ(parse_apache_conf("<Proxy balancer://c>\nBalancerMember ftp://x\n</Proxy>\n", "a.conf")
                .error()
                .message,
            "a.conf:2: BalancerMember: 'ftp://x' is not an http://host:port (or ws://) URL");
  EXPECT_EQ(parse_apache_conf("<Proxy balancer://c>\nBalancerMember http://h:1 weight=2\n</Proxy>\n",
                              "a.conf")
                .error()
                .message,
            "a.conf:2: BalancerMember: http://h:1: unknown Worker parameter 'weight'");
  EXPECT_EQ(parse_apache_conf("<Proxy balancer://c>\nBalancerMember http://h:1\n", "a.conf")
                .error()
                .message,
            "a.conf:1: <Proxy> section is not closed");
  EXPECT_EQ(parse_apache_conf("BalancerMember http://h:1\n", "a.conf").error().message,
            "a.conf:1: BalancerMember: outside a <Proxy balancer://...> section it needs the "
            "balancer's name first: BalancerMember balancer://NAME URL ...");
  EXPECT_EQ(parse_apache_conf("Listen 80\n", "a.conf").error().message,
            "a.conf: no ProxyPass maps a path to a balancer:// URL");
}

// Found by fuzz_apache_conf: a nameless closing tag read an empty word list.
TEST(ApacheConf, NamelessClosingTagIsAnErrorNotACrash) {
  EXPECT_EQ(parse_apache_conf("<Location /x>\n</>\n", "a.conf").error().message,
            "a.conf:2: </> closes <Location> opened on line 1");
  EXPECT_EQ(parse_apache_conf("</>\n", "a.conf").error().message,
            "a.conf:1: </> closes a section that is not open");
}

TEST(ApacheWords, QuotesAndEscapes) {
  EXPECT_EQ(apache::words(R"(Header add Set-Cookie "a=b; path=/" env=X)"),
            (std::vector<std::string>{"Header", "add", "Set-Cookie", "a=b; path=/", "env=X"}));
  EXPECT_EQ(apache::words(R"(X 'single q' "esc \" q")"),
            (std::vector<std::string>{"X", "single q", "esc \" q"}));
}

TEST(ApacheConf, IfDefineReadsOnlyWhatTheDefinesSelect) {
  const char* text =
      "Define STAGING\n"
      "<IfDefine STAGING>\n<Proxy balancer://shop>\nBalancerMember http://10.1.0.1:80 route=s1\n"
      "</Proxy>\n</IfDefine>\n"
      "<IfDefine !STAGING>\n<Proxy balancer://shop>\nBalancerMember http://10.0.0.1:80 route=p1\n"
      "BalancerMember http://10.0.0.2:80 route=p2\n</Proxy>\n</IfDefine>\n"
      "ProxyPass / balancer://shop/\n";
  auto site = parse_apache_conf(text, "site.conf");
  ASSERT_TRUE(site.ok()) << site.error().message;
  ASSERT_EQ(site->balancers.size(), 1u);
  ASSERT_EQ(site->balancers[0].members.size(), 1u);
  EXPECT_EQ(site->balancers[0].members[0].route, "s1");
  EXPECT_NE(std::find(site->notes.begin(), site->notes.end(),
                      "site.conf:7: <IfDefine !STAGING> skipped: not defined"),
            site->notes.end());
}

// <IfModule !mod_x.c> is httpd's fallback for a missing module; the reference balancer has them
// all, so the fallback is left out and the other branch read.
TEST(ApacheConf, NegatedIfModuleIsNotReadAsEveryModuleCountsAsLoaded) {
  const char* text =
      "<IfModule !mod_headers.c>\nListen 127.0.0.1:9999\n</IfModule>\n"
      "<IfModule mod_headers.c>\nListen 127.0.0.1:8080\n</IfModule>\n"
      "<Proxy balancer://c>\nBalancerMember http://127.0.0.1:1\n</Proxy>\n"
      "ProxyPass / balancer://c/\n";
  auto site = parse_apache_conf(text, "m.conf");
  ASSERT_TRUE(site.ok()) << site.error().message;
  EXPECT_EQ(site->listen, "127.0.0.1:8080");
  EXPECT_EQ(site->notes,
            (std::vector<std::string>{
                "m.conf:1: <IfModule !mod_headers.c> skipped: every module counts as loaded",
                "m.conf:4: <IfModule mod_headers.c> read through: every module counts as loaded"}));
}

TEST(HeaderRules, ManualRecipeSetsTheCookieOnlyWhenTheRouteChanged) {
  auto site = parse_apache_conf(kManualRecipe, "httpd.conf");
  ASSERT_TRUE(site.ok());
  net::Response changed;
  apply_header_rules(site->headers,
                     {{"BALANCER_WORKER_ROUTE", "2"}, {"BALANCER_ROUTE_CHANGED", "1"}}, changed);
  EXPECT_EQ(changed[net::http::field::set_cookie], "ROUTEID=.2; path=/");
  net::Response kept;
  apply_header_rules(site->headers, {{"BALANCER_WORKER_ROUTE", "2"}}, kept);
  EXPECT_EQ(kept.count(net::http::field::set_cookie), 0u);
}

TEST(HeaderRules, ExpansionOfUnsetVariablesAndPercent) {
  EXPECT_EQ(expand_header_value("%{NOPE}e 100%% %{A}e", {{"A", "x"}}), "(null) 100% x");
}

// `stickycheck balancer --apache-conf`: the members an Include brings in are the balancer's
// (it started with none, "Include skipped").
TEST(ApacheConf, LoadFollowsIncludesAsHttpdDoes) {
  auto site = load_apache_conf(std::string(STICKYCHECK_SOURCE_DIR) +
                               "/fixtures/apache/shipped/include-members/site.conf");
  ASSERT_TRUE(site.ok()) << site.error().message;
  ASSERT_EQ(site->balancers.size(), 1u);
  ASSERT_EQ(site->balancers[0].members.size(), 2u);
  EXPECT_EQ(site->balancers[0].members[1].host, "10.0.0.62");
}

// `ProxyPass URL` inside <Location /shop> maps /shop, as httpd reads it.
TEST(ApacheConf, ProxyPassInsideALocationMapsItsPath) {
  auto site = parse_apache_conf(
      "<Proxy balancer://shop>\n  BalancerMember http://10.0.0.41:8080 route=1\n</Proxy>\n"
      "<Location /shop>\n  ProxyPass balancer://shop\n  ProxyPassReverse balancer://shop\n"
      "</Location>\nListen 127.0.0.1:8080\n",
      "s.conf");
  ASSERT_TRUE(site.ok()) << site.error().message;
  ASSERT_EQ(site->routes.size(), 1u);
  EXPECT_EQ(site->routes[0].prefix, "/shop");
  EXPECT_EQ(site->routes[0].balancer, 0);
  EXPECT_EQ(site->reverse_routes.size(), 1u);
}

// upgrade=websocket is a worker parameter, as in httpd 2.4.47: on a BalancerMember it makes the
// member carry WebSocket upgrades (as a ws:// member does); on a ProxyPass to a balancer httpd
// refuses it, and so does the reference balancer.
TEST(ApacheConf, UpgradeWebsocketIsAMembersParameter) {
  auto site = parse_apache_conf(
      "<Proxy balancer://a>\n  BalancerMember http://10.0.0.1:80 upgrade=websocket\n"
      "  BalancerMember ws://10.0.0.2:80\n  BalancerMember http://10.0.0.3:80\n</Proxy>\n"
      "ProxyPass / balancer://a/\nListen 127.0.0.1:8080\n",
      "s.conf");
  ASSERT_TRUE(site.ok()) << site.error().message;
  const auto& m = site->balancers[0].members;
  EXPECT_TRUE(m[0].websocket);
  EXPECT_TRUE(m[1].websocket);
  EXPECT_FALSE(m[2].websocket);
  auto refused = parse_apache_conf(
      "<Proxy balancer://a>\n  BalancerMember http://10.0.0.1:80\n</Proxy>\n"
      "ProxyPass / balancer://a/ upgrade=websocket\n",
      "s.conf");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("s.conf:4:"), std::string::npos) << refused.error().message;
  EXPECT_NE(refused.error().message.find("unknown Balancer parameter"), std::string::npos)
      << refused.error().message;
}

TEST(WebSocketUpgrade, AskedByTheUpgradeAndConnectionFieldsTogether) {
  EXPECT_TRUE(asks_websocket_upgrade("websocket", "Upgrade"));
  EXPECT_TRUE(asks_websocket_upgrade("WebSocket", "keep-alive, upgrade"));
  EXPECT_FALSE(asks_websocket_upgrade("websocket", "keep-alive"));  // Connection must name it
  EXPECT_FALSE(asks_websocket_upgrade("h2c", "Upgrade"));
  EXPECT_FALSE(asks_websocket_upgrade("", ""));
}

}  // namespace
}  // namespace sc
