// nginx's token grammar: what nginx reads as words, blocks and directives, with the place of
// every token, and errors located at the user's line and column.
#include <gtest/gtest.h>

#include "proxies/nginx/nginx_site.hpp"
#include "proxies/nginx/nginx_syntax.hpp"

namespace sc::nginx {
namespace {

Config parsed(std::string_view text) {
  auto c = parse(text, "site.conf");
  EXPECT_TRUE(c.ok()) << c.error().message;
  return c.ok() ? *c : Config{};
}

TEST(NginxSyntax, OneLineBlockHoldsItsDirectives) {
  const auto c = parsed("upstream app { ip_hash; server 10.0.0.1:80; server 10.0.0.2:80; }\n");
  ASSERT_EQ(c.directives.size(), 1u);
  const auto& up = c.directives[0];
  EXPECT_TRUE(up.block);
  EXPECT_EQ(up.arg(), "app");
  ASSERT_EQ(up.children.size(), 3u);
  EXPECT_EQ(up.children[2].arg(), "10.0.0.2:80");
  EXPECT_EQ(up.children[2].args[0].line, 1u);
  EXPECT_EQ(up.children[2].args[0].column, 52u);
}

TEST(NginxSyntax, SeveralDirectivesOnOneLineKeepTheirOwnSpans) {
  const std::string text = "server {\n  listen 80; listen [::]:80; server_name a.example;\n}\n";
  const auto c = parsed(text);
  const auto& srv = c.directives[0].children;
  ASSERT_EQ(srv.size(), 3u);
  EXPECT_EQ(text.substr(srv[1].name.begin, srv[1].end - srv[1].name.begin), "listen [::]:80;");
  EXPECT_EQ(srv[2].arg(), "a.example");
  EXPECT_EQ(srv[2].name.line, 2u);
}

TEST(NginxSyntax, QuotesEscapesAndVariablesAreReadAsNginxDoes) {
  const auto c = parsed(
      "add_header X \"a b; {c}\";\nreturn 200 'it\\'s';\nset $x ${host}x;\nx a#b c; # end\n");
  ASSERT_EQ(c.directives.size(), 4u);
  EXPECT_EQ(c.directives[0].arg(1), "a b; {c}");
  EXPECT_TRUE(c.directives[0].args[1].quoted);
  EXPECT_EQ(c.directives[1].arg(1), "it's");
  EXPECT_EQ(c.directives[2].arg(1), "${host}x");
  EXPECT_EQ(c.directives[3].arg(), "a#b");  // '#' starts a comment only where a word would
  EXPECT_EQ(c.directives[3].args.size(), 2u);
}

TEST(NginxSyntax, CommentsAndBlankLinesAreSkipped) {
  const auto c = parsed("# a comment { ;\n\nevents { } # another\n");
  ASSERT_EQ(c.directives.size(), 1u);
  EXPECT_EQ(c.directives[0].name.text, "events");
  EXPECT_EQ(c.directives[0].name.line, 3u);
}

TEST(NginxSyntax, UnclosedQuoteIsLocated) {
  EXPECT_EQ(parse("server {\n  return 200 \"hi;\n}\n", "site.conf").error().message,
            "site.conf:2:14: this quote is never closed");
}

TEST(NginxSyntax, UnclosedBlockIsLocatedAtItsBrace) {
  EXPECT_EQ(parse("http {\n  server {\n  }\n", "site.conf").error().message,
            "site.conf:1:6: this '{' is never closed");
}

TEST(NginxSyntax, StrayClosingBraceIsLocated) {
  EXPECT_EQ(parse("events { }\n}\n", "site.conf").error().message,
            "site.conf:2:1: unexpected '}'");
}

TEST(NginxSyntax, DirectiveWithoutSemicolonBeforeBraceIsLocated) {
  EXPECT_EQ(parse("server {\n  listen 80\n}\n", "site.conf").error().message,
            "site.conf:3:1: unexpected '}': \"listen\" is not ended by ';'");
}

TEST(NginxSyntax, TextRightAfterAQuoteIsLocated) {
  EXPECT_EQ(parse("return 200 \"a\"b;\n", "site.conf").error().message,
            "site.conf:1:15: unexpected \"b\" right after a quoted word (nginx wants a blank, "
            "';' or '{' there)");
}

TEST(NginxSite, RedirectOnlyServerIsLeftOutForTheOneThatProxies) {
  const auto c = parsed(
      "upstream shop { server 10.0.0.1:80; }\n"
      "server { listen 80; server_name shop.example; return 301 https://$host$request_uri; }\n"
      "server { listen 443 ssl; server_name shop.example;\n"
      "  ssl_certificate /etc/x.pem; ssl_certificate_key /etc/x.key;\n"
      "  location / { proxy_pass http://shop; } }\n");
  const auto site = read_site(c);
  ASSERT_EQ(site.servers.size(), 2u);
  EXPECT_FALSE(site.servers[0].kept);
  EXPECT_EQ(site.servers[0].why_left_out, "it only redirects (to https://$host$request_uri)");
  EXPECT_EQ(site.target, 1u);
  EXPECT_TRUE(site.tls);
  EXPECT_EQ(site.tls_files.size(), 2u);
  EXPECT_EQ(site.target_names(), std::vector<std::string>{"shop.example"});
  EXPECT_EQ(site.members.size(), 1u);
}

TEST(NginxSite, UpstreamNoKeptServerUsesIsUnused) {
  const auto c = parsed(
      "http { upstream a { server 10.0.0.1:80; } upstream b { server 10.0.0.2:80; }\n"
      "server { listen 80; location / { proxy_pass http://a/; } } }\n");
  const auto site = read_site(c);
  ASSERT_EQ(site.unused.size(), 1u);
  EXPECT_EQ(site.unused[0]->arg(), "b");
  ASSERT_EQ(site.members.size(), 1u);
  EXPECT_EQ(site.members[0]->arg(), "10.0.0.1:80");
}

// Two pools in one server: only the one the path's location passes to becomes the backends
// (every pool's servers did, and the run FAILed the spread of a correct configuration).
const char* const kTwoPools =
    "upstream shop { server 10.0.0.1:80; server 10.0.0.2:80; }\n"
    "upstream api { server 10.0.0.3:80; server 10.0.0.4:80; }\n"
    "server { listen 80;\n"
    "  location /api/ { proxy_pass http://api; }\n"
    "  location = /health { return 200; }\n"
    "  location ~ \\.php$ { proxy_pass http://api; }\n"
    "  location / { proxy_pass http://shop; } }\n";

std::vector<std::string> member_args(const Site& site) {
  std::vector<std::string> out;
  for (const auto* m : site.members) out.push_back(m->arg());
  return out;
}

TEST(NginxSite, OnlyThePoolThePathsLocationReachesHasMembers) {
  const auto c = parsed(kTwoPools);
  const auto shop = read_site(c, "/cart");
  EXPECT_EQ(member_args(shop), (std::vector<std::string>{"10.0.0.1:80", "10.0.0.2:80"}));
  EXPECT_EQ(shop.chosen, std::vector<std::string>{"shop"});
  EXPECT_EQ(shop.others, std::vector<std::string>{"api"});
  EXPECT_EQ(member_args(read_site(c, "/api/orders")),
            (std::vector<std::string>{"10.0.0.3:80", "10.0.0.4:80"}));
  // A regular expression beats a plain prefix, as in nginx.
  EXPECT_EQ(read_site(c, "/index.php").chosen, std::vector<std::string>{"api"});
}

TEST(NginxSite, APathThatReachesNoPoolGoesToTheFirstLocationThatDoes) {
  const auto c = parsed(
      "upstream app { server 10.0.0.1:80; }\n"
      "server { listen 80; location / { root /srv/www; } location /app/ { proxy_pass http://app; } }\n");
  const auto site = read_site(c, "/");
  EXPECT_EQ(site.pool_path, "/app/");
  EXPECT_EQ(site.chosen, std::vector<std::string>{"app"});
  EXPECT_EQ(member_args(site), std::vector<std::string>{"10.0.0.1:80"});
}

TEST(NginxSite, HashKeyVariableEndsWhereNginxEndsIt) {
  const auto c = parsed(
      "upstream a { hash $cookie_connect.sid consistent; server 10.0.0.1:80; }\n"
      "upstream b { hash $cookie_PHPSESSID$remote_addr; server 10.0.0.2:80; }\n"
      "server { location / { proxy_pass http://a; } location /b { proxy_pass http://b; } }\n");
  // The key of the pool the path reaches (each location's own).
  auto keys = hash_keys(read_site(c, "/"));
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].cookies, std::vector<std::string>{"connect"});
  EXPECT_EQ(keys[0].meant, "connect.sid");
  EXPECT_EQ(keys[0].literal_after, ".sid");
  keys = hash_keys(read_site(c, "/b"));
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].cookies, std::vector<std::string>{"PHPSESSID"});
  EXPECT_EQ(keys[0].meant, "");
}

TEST(NginxSyntax, UnquotedBackslashStaysUnlessItEscapes) {
  const auto c = parsed("location ~ \\.php$ { return 200 a\\;b; }\n");
  ASSERT_EQ(c.directives.size(), 1u);
  EXPECT_EQ(c.directives[0].arg(1), "\\.php$");
  EXPECT_EQ(c.directives[0].children[0].arg(1), "a\\;b");  // ';' escaped, the '\\' kept
}

TEST(NginxSite, FastcgiPassNamesItsUpstreamBare) {
  const auto c = parsed(
      "upstream php { server 10.0.0.1:9000; server 10.0.0.2:9000; }\n"
      "server { listen 80; location ~ \\.php$ { fastcgi_pass php; } }\n");
  const auto site = read_site(c);
  EXPECT_TRUE(site.unused.empty());
  EXPECT_EQ(site.members.size(), 2u);
}

TEST(NginxSite, TlsServerIsTestedAndAPlainOneThatAlsoProxiesIsLeftOut) {
  const auto c = parsed(
      "upstream a { server 10.0.0.1:80; }\n"
      "server { listen 80; location / { proxy_pass http://a; } }\n"
      "server { listen 443 ssl; ssl_certificate x; ssl_certificate_key y;\n"
      "  location / { proxy_pass http://a; } }\n");
  const auto site = read_site(c);
  EXPECT_EQ(site.target, 1u);
  EXPECT_TRUE(site.tls);
  EXPECT_FALSE(site.servers[0].kept);
  EXPECT_EQ(site.servers[0].why_left_out,
            "it serves the site over plain http, and the run goes to the https one");
}

}  // namespace
}  // namespace sc::nginx
