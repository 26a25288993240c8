// Addresses and endpoints as text.
#include "net/endpoint.hpp"

#include <gtest/gtest.h>

namespace sc::net {
namespace {

namespace ip = boost::asio::ip;

TEST(Endpoint, AddressTextIsWhatAsioWrites) {
  for (const char* text : {"0.0.0.0", "127.0.0.1", "10.20.30.4", "255.255.255.255", "::1",
                           "::ffff:10.0.0.1", "2001:db8::7"}) {
    const auto address = ip::make_address(text);
    EXPECT_EQ(address_text(address), address.to_string()) << text;
    EXPECT_EQ(address_text(address), text);
  }
}

TEST(Endpoint, EndpointTextBracketsIpv6) {
  EXPECT_EQ(to_string(ip::tcp::endpoint(ip::make_address("127.0.0.1"), 80)), "127.0.0.1:80");
  EXPECT_EQ(to_string(ip::tcp::endpoint(ip::make_address("::1"), 8080)), "[::1]:8080");
}

}  // namespace
}  // namespace sc::net
