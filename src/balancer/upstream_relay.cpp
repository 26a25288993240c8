// The relay of a streamed answer: a file of its own, so that each of the two halves of the
// exchange compiles in seconds (Beast's read of a buffer_body is a large instantiation).
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <memory>
#include <string_view>

#include "balancer/upstream.hpp"
#include "net/wire.hpp"

namespace sc {

namespace asio = boost::asio;
namespace http = net::http;

namespace {

// Frames the relayed answer and tells the transport how the client connection ends.
bool frame_relayed_head(const HeadParser& parser, net::Response& head, net::Connection& client) {
  const bool sized = parser.content_length().has_value();
  const bool chunked = !sized && head.version() >= 11;
  if (chunked) head.set(http::field::transfer_encoding, "chunked");
  if (!sized && !chunked) client.close = true;  // the body ends with the connection
  head.keep_alive(client.client_keep_alive && !client.close);
  if (!head.keep_alive()) client.close = true;
  client.answered = true;
  return chunked;
}

}  // namespace

asio::awaitable<std::uint64_t> relay(Upstream& up, HeadParser& parser, net::Response& head,
                                     net::Connection& client, std::chrono::milliseconds timeout,
                                     boost::system::error_code& ec) {
  const bool chunked = frame_relayed_head(parser, head, client);
  up.stream.expires_never();  // each read below has its own deadline, not the client's writes
  boost::system::error_code client_ec;
  up.scratch.clear();  // the request is out: its scratch carries the answer's head now
  net::append_head(head, up.scratch);
  client.stream->expires_after(client.write_timeout);
  co_await asio::async_write(*client.stream, asio::buffer(up.scratch),
                             asio::redirect_error(asio::use_awaitable, client_ec));
  client.stream->expires_never();
  http::response_parser<http::buffer_body> body{std::move(parser)};
  auto piece = std::make_unique<char[]>(kRelayChunk);
  std::uint64_t relayed = 0;
  while (!client_ec && !body.is_done()) {
    body.get().body().data = piece.get();
    body.get().body().size = kRelayChunk;
    up.stream.expires_after(timeout);
    co_await http::async_read(up.stream, up.buffer, body,
                              asio::redirect_error(asio::use_awaitable, ec));
    up.stream.expires_never();
    if (ec == http::error::need_buffer) ec = {};
    const std::size_t n = kRelayChunk - body.get().body().size;
    if (n > 0)
      co_await write_piece(*client.stream, client.write_timeout, chunked, piece.get(), n,
                           client_ec);
    relayed += n;
    if (ec) break;
  }
  if (!ec && !client_ec && chunked) {
    static constexpr std::string_view kLastChunk = "0\r\n\r\n";
    client.stream->expires_after(client.write_timeout);
    co_await asio::async_write(*client.stream, asio::buffer(kLastChunk),
                               asio::redirect_error(asio::use_awaitable, client_ec));
  }
  up.reusable = !ec && !client_ec && body.is_done() && body.keep_alive() && up.buffer.size() == 0;
  if (ec || client_ec) client.close = true;  // the client got a truncated answer
  co_return relayed;
}

}  // namespace sc
