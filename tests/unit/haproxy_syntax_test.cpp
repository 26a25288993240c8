// HAProxy's sections, words and pool choice: the pool the traffic's path reaches, as HAProxy
// decides it (use_backend rules first, then default_backend).
#include <gtest/gtest.h>

#include "proxies/haproxy/haproxy_syntax.hpp"

namespace sc::haproxy {
namespace {

const char* kSite =
    "frontend www\n  bind *:80\n  default_backend web\n  acl is_api path_beg /api/\n"
    "  use_backend api if is_api\n  use_backend admin if { path_beg -i /Admin }\n"
    "backend web\n  server a 10.0.0.1:80\nbackend api\n  server b 10.0.0.2:80\n"
    "backend admin\n  server c 10.0.0.3:80\n";

TEST(HaproxySyntax, WordsAreSplitWithQuotesEscapesAndComments) {
  EXPECT_EQ(words("  http-response set-header X \"a b\" 'c d' e\\ f # note"),
            (std::vector<std::string>{"http-response", "set-header", "X", "a b", "c d", "e f"}));
  EXPECT_EQ(words("acl x path_beg /a#b"), (std::vector<std::string>{"acl", "x", "path_beg", "/a#b"}));
}

TEST(HaproxySyntax, SectionsKeepTheirLines) {
  const auto c = parse(kSite);
  ASSERT_EQ(c.sections.size(), 4u);
  EXPECT_EQ(c.sections[0].kind, "frontend");
  EXPECT_EQ(c.sections[2].name, "api");
  EXPECT_EQ(c.sections[2].lines[0].line, 10u);
}

// `haproxy -c` accepts a default_backend in `defaults`: the frontends after it use it (the run
// refused such a file: "no servers to point at").
TEST(HaproxySyntax, DefaultBackendWrittenInDefaultsIsTheFrontends) {
  const auto c = parse(
      "defaults\n  mode http\n  default_backend app\nfrontend fe\n  bind :80\n"
      "backend app\n  server a 10.0.0.1:80\n");
  const auto p = choose_pool(c, "/");
  ASSERT_NE(p.pool, nullptr);
  EXPECT_EQ(p.pool->name, "app");
  EXPECT_EQ(p.why, "default_backend app (line 3, in defaults)");
}

TEST(HaproxySyntax, DefaultBackendServesAPathNoRuleMeets) {
  const auto c = parse(kSite);
  const auto p = choose_pool(c, "/");
  ASSERT_NE(p.pool, nullptr);
  EXPECT_EQ(p.pool->name, "web");
  EXPECT_EQ(p.why, "default_backend web (line 3)");
  EXPECT_EQ(p.others, (std::vector<std::string>{"api (line 5)", "admin (line 6)"}));
}

TEST(HaproxySyntax, UseBackendWithANamedAclWinsBeforeTheDefault) {
  const auto c = parse(kSite);  // the choice points into it
  const auto p = choose_pool(c, "/api/v1/cart");
  ASSERT_NE(p.pool, nullptr);
  EXPECT_EQ(p.pool->name, "api");
  EXPECT_EQ(p.why, "use_backend api (line 5), whose condition /api/v1/cart meets");
}

TEST(HaproxySyntax, QueryIsNotPartOfThePathTested) {
  const auto c = parse(kSite);
  const auto p = choose_pool(c, "/api/v1?page=2");
  ASSERT_NE(p.pool, nullptr);
  EXPECT_EQ(p.pool->name, "api");
}

TEST(HaproxySyntax, SeparateNegationWordNegates) {
  const auto c = parse(
      "frontend f\n  acl is_api path_beg /api\n  use_backend web if ! is_api\n"
      "  default_backend api\nbackend web\nbackend api\n");
  const auto p = choose_pool(c, "/");
  ASSERT_NE(p.pool, nullptr);
  EXPECT_EQ(p.pool->name, "web");
}

TEST(HaproxySyntax, InlineAclWithCaseFlagIsEvaluated) {
  const auto c = parse(kSite);
  const auto p = choose_pool(c, "/admin/users");
  ASSERT_NE(p.pool, nullptr);
  EXPECT_EQ(p.pool->name, "admin");
}

TEST(HaproxySyntax, ConditionNotAboutThePathDoesNotChooseItsPool) {
  const auto c = parse(
      "frontend f\n  use_backend b if { hdr(host) -i api.example.com }\n"
      "  default_backend a\nbackend a\nbackend b\n");
  const auto p = choose_pool(c, "/");
  ASSERT_NE(p.pool, nullptr);
  EXPECT_EQ(p.pool->name, "a");
}

}  // namespace
}  // namespace sc::haproxy
