#include "balancer/upstream.hpp"

#include <array>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cstdio>
#include <memory>
#include <string_view>

#include "net/wire.hpp"

namespace sc {

namespace asio = boost::asio;
namespace http = net::http;

namespace {

constexpr int kMaxInterim = 8;  // interim answers tolerated before the final one
constexpr std::size_t kRelayChunk = 64 * 1024;

// One piece of a relayed body, framed as a chunk when `chunked`, in one gathered write.
asio::awaitable<void> write_piece(net::Connection& client, bool chunked, const char* data,
                                  std::size_t size, boost::system::error_code& ec) {
  client.stream->expires_after(client.write_timeout);
  if (!chunked) {
    co_await asio::async_write(*client.stream, asio::buffer(data, size),
                               asio::redirect_error(asio::use_awaitable, ec));
    co_return;
  }
  std::array<char, 20> size_line{};
  const int n = std::snprintf(size_line.data(), size_line.size(), "%zx\r\n", size);
  static constexpr std::string_view kCrlf = "\r\n";
  const std::array<asio::const_buffer, 3> pieces{asio::buffer(size_line.data(), n),
                                                 asio::buffer(data, size), asio::buffer(kCrlf)};
  co_await asio::async_write(*client.stream, pieces, asio::redirect_error(asio::use_awaitable, ec));
}

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

asio::awaitable<void> send_and_read_head(Upstream& up, const net::Request& req,
                                         std::optional<HeadParser>& parser,
                                         std::chrono::milliseconds timeout,
                                         boost::system::error_code& ec) {
  up.reusable = false;
  up.stream.expires_after(timeout);
  co_await net::async_write_message(up.stream, req, up.scratch, ec);
  if (ec) co_return;
  for (int interim = 1;; ++interim) {
    parser.emplace();  // a parser reads one message: each interim answer is one
    parser->body_limit(boost::none);
    if (req.method() == http::verb::head) parser->skip(true);
    up.stream.expires_after(timeout);
    co_await http::async_read_header(up.stream, up.buffer, *parser,
                                     asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    const unsigned status = parser->get().result_int();
    if (status >= 200) co_return;
    if (status < 100 || status == 101 || interim >= kMaxInterim) {
      ec = http::error::bad_status;
      co_return;
    }
  }
}

bool holds_body(const HeadParser& parser) {
  return parser.is_done() ||
         (parser.content_length() && *parser.content_length() <= kHeldBodyLimit);
}

asio::awaitable<net::Response> read_held(Upstream& up, HeadParser& parser,
                                         std::chrono::milliseconds timeout,
                                         boost::system::error_code& ec) {
  if (parser.is_done()) {  // no body (HEAD, 204, 304, Content-Length: 0)
    up.reusable = parser.keep_alive() && up.buffer.size() == 0;
    co_return net::Response{std::move(parser.get().base())};
  }
  http::response_parser<http::string_body> full{std::move(parser)};
  up.stream.expires_after(timeout);
  co_await http::async_read(up.stream, up.buffer, full,
                            asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return net::Response{};
  up.reusable = full.keep_alive() && up.buffer.size() == 0;
  co_return full.release();
}

asio::awaitable<std::uint64_t> relay(Upstream& up, HeadParser& parser, net::Response& head,
                                     net::Connection& client, std::chrono::milliseconds timeout,
                                     boost::system::error_code& ec) {
  const bool chunked = frame_relayed_head(parser, head, client);
  boost::system::error_code client_ec;
  up.scratch.clear();  // the request is out: its scratch carries the answer's head now
  net::append_head(head, up.scratch);
  client.stream->expires_after(client.write_timeout);
  co_await asio::async_write(*client.stream, asio::buffer(up.scratch),
                             asio::redirect_error(asio::use_awaitable, client_ec));
  http::response_parser<http::buffer_body> body{std::move(parser)};
  auto piece = std::make_unique<char[]>(kRelayChunk);
  std::uint64_t relayed = 0;
  while (!client_ec && !body.is_done()) {
    body.get().body().data = piece.get();
    body.get().body().size = kRelayChunk;
    up.stream.expires_after(timeout);
    co_await http::async_read(up.stream, up.buffer, body,
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec == http::error::need_buffer) ec = {};
    const std::size_t n = kRelayChunk - body.get().body().size;
    if (n > 0) co_await write_piece(client, chunked, piece.get(), n, client_ec);
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
