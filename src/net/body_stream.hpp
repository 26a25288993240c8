#pragma once
// A request body read as it arrives (ServerOptions::stream_bodies), so that a large upload
// passes through a handler with one bounded buffer instead of being held whole.
#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <chrono>
#include <cstdint>
#include <optional>

#include "net/http_types.hpp"
#include "net/timed_stream.hpp"

namespace sc::net {

class BodyStream {
 public:
  // `header` has read the header and none of the body; it is taken over (its message too:
  // take the header with release_header() first). `send_continue`: the client asked for
  // 100-continue; it is sent before the first read, so an answer given without reading the
  // body (404, 503) never solicits it.
  BodyStream(TimedStream& stream, boost::beast::flat_buffer& buffer,
             http::request_parser<http::string_body>&& header, bool send_continue,
             std::chrono::milliseconds read_timeout, std::chrono::milliseconds write_timeout);
  BodyStream(const BodyStream&) = delete;
  BodyStream& operator=(const BodyStream&) = delete;

  // The request's header, moved out once for the handler; the parser keeps its framing.
  Request release_header() { return Request{std::move(parser_.get().base())}; }

  // The Content-Length, or nullopt for a chunked body.
  std::optional<std::uint64_t> length() const { return length_; }
  bool done() const { return parser_.is_done(); }
  bool failed() const { return failed_; }
  // The 100 Continue was due and never sent: the client may not send its body at all.
  bool continue_pending() const { return continue_pending_; }
  std::uint64_t bytes_read() const { return read_; }

  // Reads up to `size` body bytes into `data`; 0 with no error once done(). A chunked body's
  // trailer section is read and dropped. Errors: the parser's (http::error::body_limit past
  // the limit, others for bad framing), a timeout, or the client gone; then failed().
  boost::asio::awaitable<std::size_t> read_some(char* data, std::size_t size,
                                                boost::system::error_code& ec);

  // Reads and discards the rest of the body (httpd's ap_discard_request_body).
  boost::asio::awaitable<void> discard(boost::system::error_code& ec);

 private:
  TimedStream& stream_;
  boost::beast::flat_buffer& buffer_;
  http::request_parser<http::buffer_body> parser_;
  std::optional<std::uint64_t> length_;
  std::chrono::milliseconds read_timeout_;
  std::chrono::milliseconds write_timeout_;
  std::uint64_t read_ = 0;
  bool continue_pending_ = false;
  bool failed_ = false;
};

// A request's whole body, in the Request already or read from the connection's stream, at
// most `limit` bytes; nullopt past it, or when reading failed.
boost::asio::awaitable<std::optional<std::string>> read_bounded_body(Request& req,
                                                                     Connection& conn,
                                                                     std::size_t limit);

}  // namespace sc::net
