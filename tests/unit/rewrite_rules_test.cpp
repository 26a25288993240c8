// The mod_rewrite subset of the reference balancer (balancer/rewrite_rules): [P] rules to a
// balancer:// with their conditions, read from a configuration and applied to requests.
#include "balancer/rewrite_rules.hpp"

#include <gtest/gtest.h>

#include <map>

#include "balancer/apache_conf.hpp"

namespace sc {
namespace {

// socket.io's documented recipe, as it stands.
constexpr const char* kSocketIoRecipe = R"(<Proxy "balancer://nodes_polling">
    BalancerMember "http://127.0.0.1:3001" route=app01
    ProxySet stickysession=SERVERID
</Proxy>
<Proxy "balancer://nodes_ws">
    BalancerMember "ws://127.0.0.1:3001" route=app01
    ProxySet stickysession=SERVERID
</Proxy>
RewriteEngine On
RewriteCond %{HTTP:Upgrade} =websocket [NC]
RewriteRule /(.*) balancer://nodes_ws/$1 [P,L]
RewriteCond %{HTTP:Upgrade} !=websocket [NC]
RewriteRule /(.*) balancer://nodes_polling/$1 [P,L]
)";

using Headers = std::map<std::string, std::string>;

std::optional<RewriteTarget> apply(const SiteConfig& site, std::string_view path,
                                   std::string_view query, const Headers& headers = {}) {
  return apply_rewrite_rules(*site.rewrites, path, query, [&](std::string_view name) {
    const auto it = headers.find(std::string(name));
    return it == headers.end() ? std::string_view() : std::string_view(it->second);
  });
}

std::string conf_error(const std::string& text) {
  auto site = parse_apache_conf(text, "a.conf");
  return site ? "" : site.error().message;
}

TEST(RewriteRules, SocketIoRecipeSendsTheUpgradeToTheWsBalancerAndPollsToTheOther) {
  auto site = parse_apache_conf(kSocketIoRecipe, "a.conf");
  ASSERT_TRUE(site) << site.error().message;
  ASSERT_TRUE(site->rewrites);
  const auto upgrade =
      apply(*site, "/socket.io/", "EIO=4&transport=websocket", {{"Upgrade", "WebSocket"}});
  ASSERT_TRUE(upgrade);
  EXPECT_EQ(site->balancers[upgrade->balancer].name, "balancer://nodes_ws");
  EXPECT_EQ(upgrade->path, "/socket.io/");
  EXPECT_EQ(upgrade->query, "?EIO=4&transport=websocket");  // the client's, kept
  const auto poll = apply(*site, "/socket.io/", "EIO=4&transport=polling");
  ASSERT_TRUE(poll);
  EXPECT_EQ(site->balancers[poll->balancer].name, "balancer://nodes_polling");
}

TEST(RewriteRules, RulesApplyOnlyWithTheEngineOn) {
  std::string text = kSocketIoRecipe;
  text.replace(text.find("RewriteEngine On"), 16, "RewriteEngine Off");
  EXPECT_EQ(conf_error(text), "a.conf: no ProxyPass maps a path to a balancer:// URL");
}

TEST(RewriteRules, OrChainsAndAndsAsHttpdDoes) {
  auto site = parse_apache_conf(
      "<Proxy balancer://a>\nBalancerMember http://127.0.0.1:1\n</Proxy>\n"
      "RewriteEngine On\n"
      "RewriteCond %{HTTP:X-A} =1 [OR]\n"
      "RewriteCond %{HTTP:X-B} =1\n"
      "RewriteCond %{QUERY_STRING} ^go\n"
      "RewriteRule ^/x balancer://a/ [P]\n",
      "a.conf");
  ASSERT_TRUE(site) << site.error().message;
  EXPECT_TRUE(apply(*site, "/x", "go", {{"X-A", "1"}}));
  EXPECT_TRUE(apply(*site, "/x", "go", {{"X-B", "1"}}));
  EXPECT_FALSE(apply(*site, "/x", "go"));                    // neither of the OR pair
  EXPECT_FALSE(apply(*site, "/x", "stop", {{"X-A", "1"}}));  // the AND after it
  EXPECT_FALSE(apply(*site, "/y", "go", {{"X-A", "1"}}));    // the rule's own pattern
}

TEST(RewriteRules, BackreferencesQueryAndCaseAreAsInHttpd) {
  auto site = parse_apache_conf(
      "<Proxy balancer://a>\nBalancerMember http://127.0.0.1:1\n</Proxy>\n"
      "RewriteEngine On\n"
      "RewriteCond %{HTTP:Host} ^(\\w+)\\.example$ [NC]\n"
      "RewriteRule ^/APP/(.*)$ balancer://a/%1/$1?v=2 [P,NC,QSA]\n",
      "a.conf");
  ASSERT_TRUE(site) << site.error().message;
  const auto t = apply(*site, "/app/cart", "id=7", {{"Host", "shop.EXAMPLE"}});
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/shop/cart");
  EXPECT_EQ(t->query, "?v=2&id=7");
  EXPECT_FALSE(apply(*site, "/app/cart", "", {{"Host", "shop.example.org"}}));
}

TEST(RewriteRules, ANegatedPatternAppliesWhereItDoesNotMatch) {
  auto site = parse_apache_conf(
      "<Proxy balancer://a>\nBalancerMember http://127.0.0.1:1\n</Proxy>\n"
      "RewriteEngine On\nRewriteRule !^/static balancer://a/app [P]\n",
      "a.conf");
  ASSERT_TRUE(site) << site.error().message;
  EXPECT_FALSE(apply(*site, "/static/x.css", ""));
  const auto t = apply(*site, "/cart", "");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/app");
}

TEST(RewriteRules, WhatIsNotModelledIsRefusedWithItsLine) {
  const std::string head =
      "<Proxy balancer://a>\nBalancerMember http://127.0.0.1:1\n</Proxy>\n"
      "RewriteEngine On\n";
  EXPECT_EQ(conf_error(head + "RewriteRule ^/old /new [R=301,L]\n"),
            "a.conf:5: RewriteRule: the flag R=301 is not modelled by the reference balancer "
            "(it models P, L, NC and QSA)");
  EXPECT_EQ(conf_error(head + "RewriteRule ^/old /new [L]\n"),
            "a.conf:5: RewriteRule: a rule without [P] (a redirect or an internal rewrite) is "
            "not modelled by the reference balancer: it models rules that proxy to a "
            "balancer://");
  EXPECT_EQ(conf_error(head + "RewriteRule ^/x http://elsewhere/ [P]\n"),
            "a.conf:5: RewriteRule: the reference balancer proxies only to a balancer://, not "
            "to 'http://elsewhere/'");
  EXPECT_EQ(conf_error(head + "RewriteCond %{REQUEST_FILENAME} !-f\n"),
            "a.conf:5: RewriteCond: the test string '%{REQUEST_FILENAME}' is not modelled by "
            "the reference balancer (it models %{HTTP:NAME}, %{REQUEST_URI} and "
            "%{QUERY_STRING}, each alone)");
  EXPECT_EQ(conf_error(head + "RewriteCond %{HTTP:Upgrade} -f\n"),
            "a.conf:5: RewriteCond: the condition '-f' is not modelled by the reference "
            "balancer (it models =TEXT and regular expressions, each optionally negated with !)");
  EXPECT_EQ(conf_error(head + "RewriteMap m txt:/etc/map\n"),
            "a.conf:5: RewriteMap: is not modelled by the reference balancer (of mod_rewrite it "
            "models RewriteEngine, RewriteCond and RewriteRule ... [P])");
  EXPECT_EQ(conf_error(head + "RewriteRule ^/(x balancer://a/ [P]\n").substr(0, 48),
            "a.conf:5: RewriteRule: '^/(x' is not a regular e");
}

// A pattern whose matching would run away on a long path gives up (no match) instead of
// exhausting the stack or the CPU: the request then falls to ProxyPass.
TEST(RewriteRules, APathologicalPatternOnALongPathDoesNotMatch) {
  auto site = parse_apache_conf(
      "<Proxy balancer://a>\nBalancerMember http://127.0.0.1:1\n</Proxy>\n"
      "RewriteEngine On\nRewriteRule ^/(a+)+$ balancer://a/ [P]\n",
      "a.conf");
  ASSERT_TRUE(site) << site.error().message;
  EXPECT_FALSE(apply(*site, "/" + std::string(2 * 1024, 'a') + "b", ""));
  EXPECT_TRUE(apply(*site, "/aaa", ""));
}

}  // namespace
}  // namespace sc
