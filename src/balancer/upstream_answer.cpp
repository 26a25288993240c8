// The answer held whole (small, known length): a file of its own, apart from the request's
// half of the exchange and from the relay, so that each compiles in seconds.
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "balancer/upstream.hpp"

namespace sc {

namespace asio = boost::asio;
namespace http = net::http;

bool holds_body(const HeadParser& parser) {
  return parser.is_done() ||
         (parser.content_length() && *parser.content_length() <= kHeldBodyLimit);
}

std::optional<net::Response> held_from_buffer(Upstream& up, HeadParser& parser,
                                              boost::system::error_code& ec) {
  if (parser.is_done()) {  // no body (HEAD, 204, 304, Content-Length: 0)
    up.reusable = parser.keep_alive() && up.buffer.size() == 0;
    return net::Response{std::move(parser.get().base())};
  }
  if (!parser.content_length() || up.buffer.size() < *parser.content_length()) return std::nullopt;
  http::response_parser<http::string_body> full{std::move(parser)};
  full.eager(true);
  up.buffer.consume(full.put(up.buffer.data(), ec));
  if (ec) return net::Response{};
  up.reusable = full.keep_alive() && up.buffer.size() == 0;
  return full.release();
}

asio::awaitable<net::Response> read_held(Upstream& up, HeadParser& parser,
                                         std::chrono::milliseconds timeout,
                                         boost::system::error_code& ec) {
  http::response_parser<http::string_body> full{std::move(parser)};
  up.stream.expires_after(timeout);
  co_await http::async_read(up.stream, up.buffer, full,
                            asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return net::Response{};
  up.reusable = full.keep_alive() && up.buffer.size() == 0;
  co_return full.release();
}

}  // namespace sc
