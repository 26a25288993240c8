#pragma once
#include <boost/asio/ip/tcp.hpp>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace sc::net {

// Parses "HOST:PORT" (an IPv4/IPv6 literal; "[::1]:80" for IPv6) into an endpoint.
Result<boost::asio::ip::tcp::endpoint> parse_endpoint(std::string_view text);
std::string to_string(const boost::asio::ip::tcp::endpoint& ep);

}  // namespace sc::net
