// The Apache directives that shape what the reference balancer forwards.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

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

TEST(ApacheConfForwarding, LimitRequestBodyIsReadWithHttpdsDefault) {
  auto defaulted = parse_apache_conf(kBase, "httpd.conf");
  ASSERT_TRUE(defaulted.ok()) << defaulted.error().message;
  EXPECT_EQ(defaulted->limit_request_body, 1073741824u);  // httpd 2.4.54+
  for (const auto& [value, bytes] :
       std::vector<std::pair<std::string, std::uint64_t>>{{"1000", 1000}, {"0", 0}}) {
    auto site = parse_apache_conf("LimitRequestBody " + value + "\n" + kBase, "httpd.conf");
    ASSERT_TRUE(site.ok()) << site.error().message;
    EXPECT_EQ(site->limit_request_body, bytes);
  }
}

TEST(ApacheConfForwarding, LimitRequestBodyTakesOnlyANumberOfBytes) {
  for (const std::string value : {"-1", "nan", "1e6", "10k", "", "1 2", "99999999999999999999"}) {
    auto site = parse_apache_conf("LimitRequestBody " + value + "\n" + kBase, "httpd.conf");
    ASSERT_FALSE(site.ok()) << value;
    EXPECT_EQ(site.error().message,
              "httpd.conf:1: LimitRequestBody: expected a number of bytes (0 for no limit)");
  }
}

}  // namespace
}  // namespace sc
