#pragma once
// One WebSocket connection of a driver session (RFC 6455 through Beast): the opening
// handshake with the session's cookies, whose answer is read like any other (its Set-Cookie
// into the jar, its fields into a ResponseCapture, so that a refused upgrade's 400 or 502 is
// recorded as such), then text messages either way. Bounded: a message past `max_message`
// fails the read. Timed: the handshake within the timeout, and a read fails when the server
// stays silent longer than the idle time. Internal to the driver.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "driver/lean_connection.hpp"
#include "net/timed_stream.hpp"

namespace sc::detail {

struct WsLimits {
  std::chrono::milliseconds handshake_timeout{0};  // connect + upgrade
  // The longest silence from the server the connection outlives; 0: no limit (the caller
  // sets a deadline per exchange with expires_after).
  std::chrono::milliseconds idle_timeout{0};
  std::size_t max_message = 0;
};

class WsLink {
 public:
  WsLink(boost::asio::io_context& ioc, const LeanTarget& target, WsLimits limits);
  WsLink(const WsLink&) = delete;
  WsLink& operator=(const WsLink&) = delete;

  // Connects (from `source`, when set) and asks to upgrade `path_and_query`, with the jar's
  // cookies for the sink's origin. status 101 when the upgrade was accepted; otherwise the
  // answer's status (0: none, `error` says why).
  boost::asio::awaitable<Exchange> open(std::string_view path_and_query,
                                        std::optional<boost::asio::ip::address> source,
                                        ResponseSink sink);
  boost::asio::awaitable<boost::system::error_code> write(std::string_view text);
  // The next message; valid until the next read.
  boost::asio::awaitable<boost::system::error_code> read(std::string_view& message);
  // Ends the connection at once (no closing handshake): pending reads and writes fail.
  void close();
  bool is_open() const;
  // Reads and writes started from now on fail unless done within `d` (the socket is closed).
  void expires_after(std::chrono::milliseconds d) { ws_.next_layer().expires_after(d); }
  void expires_never() { ws_.next_layer().expires_never(); }
  bool timed_out() const { return ws_.next_layer().timed_out(); }

 private:
  boost::asio::awaitable<boost::system::error_code> connect(
      std::optional<boost::asio::ip::address> source);
  void take_answer(ResponseSink sink);

  const LeanTarget& target_;
  const WsLimits limits_;
  boost::beast::websocket::stream<net::TimedStream> ws_;
  boost::beast::websocket::response_type answer_;
  boost::beast::flat_buffer buffer_;
  std::string cookies_;
};

}  // namespace sc::detail
