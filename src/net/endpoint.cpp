#include "net/endpoint.hpp"

#include <fmt/format.h>

#include "util/text.hpp"

namespace sc::net {

Result<boost::asio::ip::tcp::endpoint> parse_endpoint(std::string_view text) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos)
    return Error{fmt::format("'{}' is not HOST:PORT", text)};
  std::string host(text.substr(0, colon));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  long long port = 0;
  if (!parse_int(text.substr(colon + 1), port) || port < 0 || port > 65535)
    return Error{fmt::format("'{}': port must be a number from 0 to 65535", text)};
  boost::system::error_code ec;
  auto addr = boost::asio::ip::make_address(host, ec);
  if (ec) return Error{fmt::format("'{}': '{}' is not an IP address", text, host)};
  return boost::asio::ip::tcp::endpoint(addr, static_cast<unsigned short>(port));
}

std::string address_text(const boost::asio::ip::address& address) {
  if (!address.is_v4()) return address.to_string();
  const auto b = address.to_v4().to_bytes();
  return fmt::format("{}.{}.{}.{}", b[0], b[1], b[2], b[3]);
}

std::string to_string(const boost::asio::ip::tcp::endpoint& ep) {
  if (ep.address().is_v6()) return fmt::format("[{}]:{}", address_text(ep.address()), ep.port());
  return fmt::format("{}:{}", address_text(ep.address()), ep.port());
}

}  // namespace sc::net
