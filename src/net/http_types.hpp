#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <functional>
#include <string>

namespace sc::net {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

// The connection a request came on: for access rules (Require) and forwarding headers.
struct ClientInfo {
  boost::asio::ip::tcp::endpoint remote;
  boost::asio::ip::tcp::endpoint local;
};

// Request handling is separate from the transport: a handler maps a request to a response.
// The transport does not use the request after its handler, so a handler may move from it.
using AsyncHandler = std::function<boost::asio::awaitable<Response>(Request&, const ClientInfo&)>;

struct ServerOptions {
  std::chrono::milliseconds read_timeout{30000};  // whole request, idle keep-alive included
  std::chrono::milliseconds write_timeout{30000};
  std::uint32_t header_limit = 16 * 1024;
  std::uint64_t body_limit = 8 * 1024 * 1024;
  // Where the transport reports trouble that is not one request's (accept failing); may be empty.
  std::function<void(const std::string&)> log;
};

// A plain response with a text body, for errors the transport itself answers.
Response text_response(http::status status, unsigned version, std::string body);

}  // namespace sc::net
