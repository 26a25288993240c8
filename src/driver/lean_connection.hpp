#pragma once
// One keep-alive HTTP/1.1 connection of the lean client: sends a request and reads its
// response with Beast's parser into a ResponseCapture (and Set-Cookie into the session's jar).
// A timeout covers each whole exchange, connect included (libcurl's CURLOPT_TIMEOUT); a
// reused connection the server closed before answering is retried once on a new one, as
// browsers and libcurl do, never a new one. Errors are values: libcurl-like texts.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "driver/cookie_jar.hpp"
#include "driver/lean_target.hpp"
#include "driver/response_capture.hpp"

namespace sc::detail {

// An operation awaited as a tuple of its results, error code first: no exception on the hot path.
inline constexpr auto kTuple = boost::asio::as_tuple(boost::asio::use_awaitable);

struct Exchange {
  int status = 0;  // 0: no answer, `error` says why
  std::string error;
};

// What one exchange's response goes into.
struct ResponseSink {
  ResponseCapture& capture;
  CookieJar* jar;  // null: a cookieless client
  const CookieOrigin& origin;
};

class LeanConnection {
 public:
  LeanConnection(boost::asio::io_context& ioc, const LeanTarget& target,
                 std::chrono::milliseconds timeout);
  // Connections from now on leave from `source` (none: the kernel's choice); an open
  // connection from elsewhere is closed.
  void set_source(std::optional<boost::asio::ip::address> source);
  // `fresh`: a new connection for this request, closed after it. `now`: when it began (a
  // caller that read the clock for its record passes that reading), the timeout's start.
  boost::asio::awaitable<Exchange> exchange(
      std::string_view request, ResponseSink sink, bool fresh,
      std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());
  // Enforces the timeouts; runs until finish().
  boost::asio::awaitable<void> watchdog();
  void finish();
  // Connections opened so far (tests).
  int connects() const { return connects_; }

 private:
  boost::asio::awaitable<boost::system::error_code> connect();
  boost::asio::awaitable<boost::system::error_code> send(std::string_view request);
  boost::asio::awaitable<boost::system::error_code> read_response(ResponseSink sink, int& status);
  boost::asio::awaitable<boost::system::error_code> read_more();
  std::string error_text(boost::system::error_code ec, bool connecting) const;
  void close();

  const LeanTarget& target_;
  const std::chrono::milliseconds timeout_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer timer_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::asio::ip::address> source_;
  std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
  std::size_t received_ = 0;  // bytes of this exchange's answer
  bool keep_alive_ = false;   // the last response allows another request
  bool timed_out_ = false;
  bool finished_ = false;
  int connects_ = 0;
};

}  // namespace sc::detail
