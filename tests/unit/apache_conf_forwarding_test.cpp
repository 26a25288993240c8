// The Apache directives that shape what the reference balancer forwards.
#include <gtest/gtest.h>

#include "balancer/apache_conf.hpp"

namespace sc {
namespace {

const char* kBase =
    "<Proxy balancer://c>\nBalancerMember http://127.0.0.1:8081\n</Proxy>\n"
    "ProxyPass / balancer://c/\n";

TEST(ApacheConfForwarding, ProxyPreserveHostAndServerNameAreRead) {
  auto site = parse_apache_conf(
      std::string("ProxyPreserveHost On\nServerName https://lb.example:8443\n") + kBase,
      "httpd.conf");
  ASSERT_TRUE(site.ok()) << site.error().message;
  EXPECT_TRUE(site->preserve_host);
  EXPECT_EQ(site->server_name, "lb.example");
}

TEST(ApacheConfForwarding, HostIsTheMembersByDefault) {
  auto site = parse_apache_conf(kBase, "httpd.conf");
  ASSERT_TRUE(site.ok()) << site.error().message;
  EXPECT_FALSE(site->preserve_host);
  EXPECT_EQ(site->server_name, "");
}

TEST(ApacheConfForwarding, ProxyPreserveHostTakesOnOrOff) {
  auto site = parse_apache_conf(std::string("ProxyPreserveHost yes\n") + kBase, "httpd.conf");
  ASSERT_FALSE(site.ok());
  EXPECT_EQ(site.error().message, "httpd.conf:1: ProxyPreserveHost: expected On or Off");
}

}  // namespace
}  // namespace sc
