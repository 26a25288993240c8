#include "balancer/upstream.hpp"

#include <sys/socket.h>

#include <array>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <cstdio>
#include <memory>
#include <string_view>

#include "net/body_stream.hpp"
#include "net/wire.hpp"

namespace sc {

namespace asio = boost::asio;
namespace http = net::http;

asio::awaitable<void> write_piece(net::TimedStream& to, std::chrono::milliseconds timeout,
                                  bool chunked, const char* data, std::size_t size,
                                  boost::system::error_code& ec) {
  to.expires_after(timeout);
  if (!chunked) {
    co_await asio::async_write(to, asio::buffer(data, size),
                               asio::redirect_error(asio::use_awaitable, ec));
    to.expires_never();
    co_return;
  }
  std::array<char, 20> size_line{};
  const int n = std::snprintf(size_line.data(), size_line.size(), "%zx\r\n", size);
  static constexpr std::string_view kCrlf = "\r\n";
  const std::array<asio::const_buffer, 3> pieces{asio::buffer(size_line.data(), n),
                                                 asio::buffer(data, size), asio::buffer(kCrlf)};
  co_await asio::async_write(to, pieces, asio::redirect_error(asio::use_awaitable, ec));
  to.expires_never();
}

namespace {

constexpr int kMaxInterim = 8;  // interim answers tolerated before the final one

// Relays the client's streamed body to the member as it arrives, one piece at a time: the
// memory a body takes is kRelayChunk whatever its size.
asio::awaitable<void> send_body(Upstream& up, net::BodyStream& body, BodyRelay& relayed,
                                std::chrono::milliseconds timeout, boost::system::error_code& ec) {
  const bool chunked = !body.length();
  auto piece = std::make_unique<char[]>(kRelayChunk);
  while (!body.done()) {
    const std::size_t n = co_await body.read_some(piece.get(), kRelayChunk, relayed.client_ec);
    relayed.bytes += n;
    if (relayed.client_ec) co_return;
    if (n > 0) co_await write_piece(up.stream, timeout, chunked, piece.get(), n, ec);
    if (ec) co_return;
  }
  if (chunked) {  // the trailer section was dropped: an empty one ends the body
    static constexpr std::string_view kLastChunk = "0\r\n\r\n";
    up.stream.expires_after(timeout);
    co_await asio::async_write(up.stream, asio::buffer(kLastChunk),
                               asio::redirect_error(asio::use_awaitable, ec));
  }
}

// The request's start line and fields; the body follows through send_body when streamed.
asio::awaitable<void> send_request(Upstream& up, const net::Request& req, net::BodyStream* body,
                                   BodyRelay& relayed, std::chrono::milliseconds timeout,
                                   boost::system::error_code& ec) {
  up.stream.expires_after(timeout);
  if (!body) {
    if (std::size_t sent = 0; !net::write_message_now(up.stream, req, up.scratch, sent, ec))
      co_await net::async_write_rest(up.stream, req, up.scratch, sent, ec);
    co_return;
  }
  up.scratch.clear();
  net::append_head(req, up.scratch);
  co_await asio::async_write(up.stream, asio::buffer(up.scratch),
                             asio::redirect_error(asio::use_awaitable, ec));
  // req's own body is the start of the streamed one, read before a member was chosen.
  if (!ec && !req.body().empty())
    co_await write_piece(up.stream, timeout, !body->length(), req.body().data(), req.body().size(),
                         ec);
  if (!ec) co_await send_body(up, *body, relayed, timeout, ec);
}

}  // namespace

bool idle_connection_usable(Upstream& up) {
  char byte = 0;
  const auto n = ::recv(up.stream.socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

asio::awaitable<void> send_and_read_head(Upstream& up, const net::Request& req,
                                         net::BodyStream* body, BodyRelay& relayed,
                                         std::optional<HeadParser>& parser,
                                         std::chrono::milliseconds timeout, bool upgrade,
                                         boost::system::error_code& ec) {
  up.reusable = false;
  co_await send_request(up, req, body, relayed, timeout, ec);
  if (ec || relayed.client_ec) co_return;
  for (int interim = 1;; ++interim) {
    parser.emplace();  // a parser reads one message: each interim answer is one
    parser->body_limit(boost::none);
    if (req.method() == http::verb::head) parser->skip(true);
    up.stream.expires_after(timeout);
    co_await http::async_read_header(up.stream, up.buffer, *parser,
                                     asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    const unsigned status = parser->get().result_int();
    if (status >= 200 || (status == 101 && upgrade)) co_return;
    if (status < 100 || status == 101 || interim >= kMaxInterim) {
      ec = http::error::bad_status;
      co_return;
    }
  }
}

}  // namespace sc
