#include "net/body_stream.hpp"

#include <array>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <string_view>

namespace sc::net {

namespace asio = boost::asio;
namespace beast = boost::beast;

BodyStream::BodyStream(TimedStream& stream, beast::flat_buffer& buffer,
                       http::request_parser<http::string_body>&& header, bool send_continue,
                       std::chrono::milliseconds read_timeout,
                       std::chrono::milliseconds write_timeout)
    : stream_(stream),
      buffer_(buffer),
      parser_(std::move(header)),
      read_timeout_(read_timeout),
      write_timeout_(write_timeout),
      continue_pending_(send_continue) {
  if (!parser_.chunked()) length_ = parser_.content_length().value_or(0);
}

asio::awaitable<std::size_t> BodyStream::read_some(char* data, std::size_t size,
                                                   boost::system::error_code& ec) {
  if (failed_) {
    ec = asio::error::operation_aborted;
    co_return 0;
  }
  if (continue_pending_) {
    continue_pending_ = false;
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    stream_.expires_after(write_timeout_);
    co_await asio::async_write(stream_, asio::buffer(kContinue),
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      failed_ = true;
      co_return 0;
    }
  }
  if (parser_.is_done()) co_return 0;
  // Fills the piece (need_buffer) or reads to the body's end: one read per piece, not one
  // per segment the client's writes arrive in, which cost the proxy several times the CPU.
  parser_.get().body().data = data;
  parser_.get().body().size = size;
  stream_.expires_after(read_timeout_);
  co_await http::async_read(stream_, buffer_, parser_,
                            asio::redirect_error(asio::use_awaitable, ec));
  stream_.expires_never();  // the handler may now wait on others, with the client idle
  if (ec == http::error::need_buffer) ec = {};
  if (ec) failed_ = true;
  const std::size_t n = size - parser_.get().body().size;
  read_ += n;
  co_return n;
}

asio::awaitable<void> BodyStream::discard(boost::system::error_code& ec) {
  std::array<char, 16 * 1024> sink{};
  while (!ec && !done()) co_await read_some(sink.data(), sink.size(), ec);
}

asio::awaitable<std::optional<std::string>> read_bounded_body(Request& req, Connection& conn,
                                                              std::size_t limit) {
  std::string body = std::move(req.body());
  if (conn.body) {
    char chunk[8192];
    boost::system::error_code ec;
    while (!conn.body->done() && body.size() <= limit) {
      const auto n = co_await conn.body->read_some(chunk, sizeof chunk, ec);
      if (ec) co_return std::nullopt;
      body.append(chunk, n);
    }
  }
  if (body.size() > limit) co_return std::nullopt;
  co_return body;
}

}  // namespace sc::net
