#pragma once
#include <boost/asio/ip/tcp.hpp>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace sc::net {

// Parses "HOST:PORT" (an IPv4/IPv6 literal; "[::1]:80" for IPv6) into an endpoint.
Result<boost::asio::ip::tcp::endpoint> parse_endpoint(std::string_view text);
std::string to_string(const boost::asio::ip::tcp::endpoint& ep);
// The address as text, as Asio writes it; an IPv4 one without inet_ntop's sprintf, which took
// 3% of the proxy's instructions per request when it went into X-Forwarded-For.
std::string address_text(const boost::asio::ip::address& address);

}  // namespace sc::net
