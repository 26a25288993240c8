// Apache's grammar as httpd reads it: <IfDefine> and <IfModule> evaluated in file order.
#include <gtest/gtest.h>

#include "proxies/apache/apache_syntax.hpp"

namespace sc::apache {
namespace {

std::vector<std::string> names_read(std::string_view text, Conditions c) {
  auto parsed = parse(text, "site.conf");
  EXPECT_TRUE(parsed.ok()) << parsed.error().message;
  std::vector<std::string> out;
  const auto tree = evaluated(parsed->directives, c);  // find_all points into it
  for (const auto& f : find_all(tree, "balancermember"))
    out.push_back(f.directive->arg() + "@" + std::to_string(f.directive->line));
  return out;
}

TEST(ApacheSyntax, IfDefineReadsTheDefinesInFileOrder) {
  const char* text =
      "<IfDefine STAGING>\nBalancerMember early\n</IfDefine>\n"
      "Define STAGING\n"
      "<IfDefine STAGING>\nBalancerMember staging\n</IfDefine>\n"
      "<IfDefine !STAGING>\nBalancerMember production\n</IfDefine>\n"
      "UnDefine STAGING\n"
      "<IfDefine !STAGING>\nBalancerMember after\n</IfDefine>\n";
  EXPECT_EQ(names_read(text, {}), (std::vector<std::string>{"staging@6", "after@13"}));
}

// ${NAME} reads the value a Define gave it before, in file order; one never defined (an
// environment variable such as ${APACHE_LOG_DIR}) stays as written, for httpd to expand.
TEST(ApacheSyntax, DefinedValuesAreReadWhereTheirNamesAppearLater) {
  auto parsed = parse(
      "BalancerMember http://${APP}\nDefine APP 10.0.0.1:80\nBalancerMember http://${APP}/x\n"
      "<Location ${P}>\nErrorLog ${APACHE_LOG_DIR}/e.log\n</Location>\nDefine P /shop\n"
      "<Location ${P}>\n</Location>\nUnDefine APP\nBalancerMember ${APP}\n",
      "site.conf");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  Conditions c;
  c.has_module = [](std::string_view) { return true; };
  std::vector<Substitution> subs;
  const auto tree = evaluated(parsed->directives, c, &subs);
  ASSERT_EQ(tree.size(), 8u);
  EXPECT_EQ(tree[0].arg(), "http://${APP}");  // not yet defined
  EXPECT_EQ(tree[2].arg(), "http://10.0.0.1:80/x");
  EXPECT_EQ(tree[3].arg(), "${P}");
  EXPECT_EQ(tree[3].children[0].arg(), "${APACHE_LOG_DIR}/e.log");
  EXPECT_EQ(tree[5].arg(), "/shop");
  EXPECT_EQ(tree[7].arg(), "${APP}");  // undefined again
  ASSERT_EQ(subs.size(), 2u);
  EXPECT_EQ(subs[0].line, 3u);
  EXPECT_EQ(subs[0].name, "APP");
  EXPECT_EQ(subs[1].value, "/shop");
}

TEST(ApacheSyntax, IfModuleAsksByTheModulesStem) {
  Conditions c;
  c.has_module = [](std::string_view stem) { return stem == "ssl" || stem == "proxy"; };
  const char* text =
      "<IfModule mod_ssl.c>\nBalancerMember a\n</IfModule>\n"
      "<IfModule ssl_module>\nBalancerMember b\n</IfModule>\n"
      "<IfModule !mod_ssl.c>\nBalancerMember c\n</IfModule>\n"
      "<IfModule mod_php.c>\nBalancerMember d\n</IfModule>\n"
      "<IfModule !php_module>\n<IfModule proxy_module>\nBalancerMember e\n</IfModule>\n"
      "</IfModule>\n";
  EXPECT_EQ(names_read(text, c), (std::vector<std::string>{"a@2", "b@5", "e@15"}));
}

TEST(ApacheSyntax, ModuleStemOfEachSpelling) {
  EXPECT_EQ(module_stem("mod_proxy_balancer.c"), "proxy_balancer");
  EXPECT_EQ(module_stem("proxy_balancer_module"), "proxy_balancer");
  EXPECT_EQ(module_stem("MOD_SSL.C"), "ssl");
}

}  // namespace
}  // namespace sc::apache
