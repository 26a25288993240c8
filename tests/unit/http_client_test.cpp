// The client's pure helpers: aiming a URL at a host name while connecting elsewhere.
#include "driver/http_client.hpp"

#include <gtest/gtest.h>

namespace sc {
namespace {

TEST(AimAtHost, TheUrlNamesTheHostAndConnectToKeepsTheAddress) {
  ClientOptions o;
  auto url = aim_at_host("http://127.0.0.1:8123", "www.example.com", o);
  ASSERT_TRUE(url) << url.error().message;
  EXPECT_EQ(*url, "http://www.example.com:8123");
  ASSERT_EQ(o.connect_to.size(), 1u);
  EXPECT_EQ(o.connect_to[0], "www.example.com:8123:127.0.0.1:8123");
}

TEST(AimAtHost, DefaultPortsPathsAndIpv6Literals) {
  ClientOptions o;
  EXPECT_EQ(*aim_at_host("https://lb.internal/app", "www.example.com", o),
            "https://www.example.com:443/app");
  EXPECT_EQ(o.connect_to.back(), "www.example.com:443:lb.internal:443");
  EXPECT_EQ(*aim_at_host("http://[::1]:8080/", "www.example.com", o),
            "http://www.example.com:8080/");
  EXPECT_EQ(o.connect_to.back(), "www.example.com:8080:[::1]:8080");
  EXPECT_FALSE(aim_at_host("127.0.0.1:8080", "www.example.com", o));
}

}  // namespace
}  // namespace sc
