// The Caddyfile as Caddy reads it, and the reverse_proxy the traffic to a path reaches.
#include <gtest/gtest.h>

#include "proxies/caddy/caddy_syntax.hpp"

namespace sc::caddy {
namespace {

Config parsed(std::string_view text) {
  auto c = parse(text, "Caddyfile");
  EXPECT_TRUE(c.ok()) << c.error().message;
  return c.ok() ? *c : Config{};
}

const char* kSite =
    "{\n\tadmin off\n}\n(common) {\n\theader X-Site shop\n}\n"
    "a.example.com, b.example.com {\n\timport common\n"
    "\t@api path /api/* /v2/*\n\thandle @api {\n\t\treverse_proxy 10.0.0.1:80 10.0.0.2:80\n\t}\n"
    "\thandle /admin/* {\n\t\treverse_proxy 10.0.0.5:80\n\t}\n"
    "\thandle {\n\t\treverse_proxy {\n\t\t\tto 10.0.0.3:80 10.0.0.4:80\n"
    "\t\t\tlb_policy cookie\n\t\t}\n\t}\n}\n";

TEST(CaddySyntax, GlobalSnippetAndSiteBlocksAreRead) {
  const auto c = parsed(kSite);
  ASSERT_EQ(c.size(), 3u);
  EXPECT_TRUE(c[0].tokens.empty());
  EXPECT_EQ(c[1].name(), "(common)");
  EXPECT_EQ(c[2].tokens, (std::vector<std::string>{"a.example.com", "b.example.com"}));
  EXPECT_EQ(c[2].line, 7u);
}

TEST(CaddySyntax, CatchAllHandleServesThePathNoMatcherMeets) {
  const auto c = parsed(kSite);
  const auto p = choose_proxy(c, "/");
  ASSERT_NE(p.proxy, nullptr);
  EXPECT_EQ(p.matcher, "");
  const auto up = upstreams_of(*p.proxy);
  ASSERT_EQ(up.size(), 2u);
  EXPECT_EQ(up[0].address, "10.0.0.3:80");
  EXPECT_EQ(up[0].line, 18u);
  EXPECT_EQ(p.others.size(), 2u);
}

TEST(CaddySyntax, NamedPathMatcherServesItsPaths) {
  const auto c = parsed(kSite);  // the choice points into it
  const auto p = choose_proxy(c, "/v2/cart");
  ASSERT_NE(p.proxy, nullptr);
  EXPECT_EQ(p.matcher, "@api");
  const auto up = upstreams_of(*p.proxy);
  ASSERT_EQ(up.size(), 2u);
  EXPECT_EQ(up[1].address, "10.0.0.2:80");
}

TEST(CaddySyntax, HandlePathGlobServesItsPaths) {
  const auto c = parsed(kSite);
  const auto p = choose_proxy(c, "/admin/users");
  ASSERT_NE(p.proxy, nullptr);
  EXPECT_EQ(p.matcher, "/admin/*");
}

TEST(CaddySyntax, FileWithoutBracesIsOneSite) {
  const auto c = parsed("localhost:8080\nreverse_proxy 10.0.0.1:80 10.0.0.2:80\n");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].tokens, std::vector<std::string>{"localhost:8080"});
  EXPECT_EQ(upstreams_of(*choose_proxy(c, "/").proxy).size(), 2u);
}

TEST(CaddySyntax, PlaceholderBracesAreNotBlocks) {
  const auto c = parsed("x.example {\n\theader X-Host {http.request.host}\n}\n");
  ASSERT_EQ(c.size(), 1u);
  ASSERT_EQ(c[0].children.size(), 1u);
  EXPECT_EQ(c[0].children[0].arg(1), "{http.request.host}");
}

TEST(CaddySyntax, UnclosedBlockIsLocated) {
  EXPECT_EQ(parse("x.example {\n\treverse_proxy a:80\n", "Caddyfile").error().message,
            "Caddyfile:1: this '{' is never closed");
}

}  // namespace
}  // namespace sc::caddy
