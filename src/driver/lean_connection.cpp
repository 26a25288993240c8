#include "driver/lean_connection.hpp"

#include <fmt/format.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>

#include "net/drained_read.hpp"
#include "util/text.hpp"

namespace sc::detail {

namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

// libcurl takes header lines up to 100 KiB; a whole header block beyond 256 KiB is refused.
constexpr std::uint32_t kHeaderLimit = 256 * 1024;
constexpr std::size_t kReadSize = 16 * 1024;
constexpr std::size_t kMaxHeaderName = 64;  // as ResponseCapture: nobody's identity header

}  // namespace

// Hands a response's fields and body to the sink as Beast's parser meets them; the body
// beyond the reader's limit is counted, not kept (the parser itself bounds no body). Outside
// the anonymous namespace: read_response's coroutine frame holds one, and in a unity batch
// GCC warns of a member whose type has internal linkage (-Wsubobject-linkage).
class SinkParser final : public http::basic_parser<false> {
 public:
  explicit SinkParser(const ResponseSink& sink) : sink_(sink) {
    eager(true);
    header_limit(kHeaderLimit);
    body_limit(boost::none);
  }
  int status() const { return status_; }

 private:
  void on_request_impl(http::verb, boost::beast::string_view, boost::beast::string_view, int,
                       error_code&) override {}
  void on_response_impl(int code, boost::beast::string_view, int, error_code&) override {
    status_ = code;
  }
  void on_field_impl(http::field, boost::beast::string_view name, boost::beast::string_view value,
                     error_code&) override {
    if (name.size() > kMaxHeaderName) return;
    char lower[kMaxHeaderName];
    for (std::size_t i = 0; i < name.size(); ++i)
      lower[i] = ascii_lower(name[i]);
    const std::string_view lname(lower, name.size());
    const std::string_view v(value.data(), value.size());
    sink_.capture.field(lname, v);
    if (sink_.jar && lname == "set-cookie" && set_cookies_++ < kMaxSetCookiesPerResponse)
      sink_.jar->store(v, sink_.origin, std::chrono::system_clock::now());
  }
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>&, error_code&) override {}
  std::size_t on_body_impl(boost::beast::string_view body, error_code&) override {
    sink_.capture.body(std::string_view(body.data(), body.size()));
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, boost::beast::string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, boost::beast::string_view body,
                                 error_code&) override {
    return on_body_impl(body, ignored_);
  }
  void on_finish_impl(error_code&) override {}

  const ResponseSink& sink_;
  int status_ = 0;
  int set_cookies_ = 0;
  error_code ignored_;
};

namespace {

// The peer closed (or reset) a connection: on a reused one before any answer, a retry is due.
bool closed_by_peer(error_code ec) {
  return ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == asio::error::connection_aborted;
}

}  // namespace

LeanConnection::LeanConnection(asio::io_context& ioc, const LeanTarget& target,
                               std::chrono::milliseconds timeout)
    : target_(target), timeout_(timeout), socket_(ioc), timer_(ioc) {}

void LeanConnection::set_source(std::optional<asio::ip::address> source) {
  if (source == source_) return;
  close();
  source_ = source;
}

void LeanConnection::close() {
  error_code ignored;
  socket_.close(ignored);
  buffer_.clear();
}

void LeanConnection::finish() {
  finished_ = true;
  timer_.cancel();
  close();
}

// Sleeps until the exchange's deadline; an exchange still running then is ended by closing its
// socket. Idle, it wakes every timeout: an exchange that starts later ends later than that.
asio::awaitable<void> LeanConnection::watchdog() {
  while (!finished_) {
    timer_.expires_at(deadline_ == Clock::time_point::max() ? Clock::now() + timeout_ : deadline_);
    co_await timer_.async_wait(kTuple);
    if (finished_) co_return;
    if (deadline_ <= Clock::now()) {
      timed_out_ = true;
      deadline_ = Clock::time_point::max();
      close();
    }
  }
}

asio::awaitable<error_code> LeanConnection::connect() {
  ++connects_;
  error_code ec = asio::error::host_not_found;
  for (const auto& endpoint : target_.endpoints) {
    close();
    socket_.open(endpoint.protocol(), ec);
    if (!ec && source_) socket_.bind({*source_, 0}, ec);
    if (ec) continue;
    std::tie(ec) = co_await socket_.async_connect(endpoint, kTuple);
    if (!ec) {
      socket_.set_option(asio::ip::tcp::no_delay(true), ec);  // as libcurl
      socket_.non_blocking(true, ec);                         // send() writes inline
      net::enable_drained_reads(socket_);
      co_return error_code{};
    }
    if (timed_out_) break;
  }
  close();
  co_return ec;
}

// Writes inline when the socket takes the whole request (it nearly always does): no
// operation and no trip through the event loop.
asio::awaitable<error_code> LeanConnection::send(std::string_view request) {
  error_code ec;
  const std::size_t n = socket_.write_some(asio::buffer(request), ec);
  if ((!ec && n == request.size()) || (ec && ec != asio::error::would_block)) co_return ec;
  request.remove_prefix(ec ? 0 : n);
  std::tie(ec, std::ignore) = co_await asio::async_write(socket_, asio::buffer(request), kTuple);
  co_return ec;
}

// Reads into buffer_. After a read that emptied the socket (a response that came whole), the
// next one waits for the socket's edge without a failed recv() first (net/drained_read.hpp).
asio::awaitable<error_code> LeanConnection::read_more() {
  auto [ec, n] = co_await net::async_read_drained(socket_, buffer_.prepare(kReadSize), kTuple);
  buffer_.commit(n);
  received_ += n;
  co_return ec;
}

// Feeds the parser what is buffered, reading more until the response is complete; an interim
// (1xx) response is skipped as libcurl does.
asio::awaitable<error_code> LeanConnection::read_response(ResponseSink sink, int& status) {
  std::optional<SinkParser> parser(std::in_place, sink);
  for (;;) {
    if (buffer_.size() > 0) {
      error_code ec;
      const std::size_t n = parser->put(buffer_.data(), ec);
      buffer_.consume(n);
      if (ec && ec != http::error::need_more) co_return ec;
      if (!ec && parser->is_done()) {
        const int code = parser->status();
        if (code >= 100 && code < 200 && code != 101) {
          sink.capture.start_response();
          parser.emplace(sink);
          continue;
        }
        status = code;
        keep_alive_ = parser->keep_alive();
        co_return error_code{};
      }
      if (!ec && n > 0) continue;
    }
    error_code ec = co_await read_more();
    if (ec == asio::error::eof && parser->got_some()) {
      // A body that ends with the connection (no length, not chunked), or a truncated one.
      parser->put_eof(ec);
      if (ec) co_return ec;
      status = parser->status();
      keep_alive_ = false;
      co_return error_code{};
    }
    if (ec) co_return ec;
  }
}

std::string LeanConnection::error_text(error_code ec, bool connecting) const {
  if (timed_out_)
    return fmt::format("Operation timed out after {} milliseconds with {} bytes received",
                       timeout_.count(), received_);
  if (connecting) {
    const auto& e = target_.endpoints;
    return e.empty() ? target_.unresolved
                     : fmt::format("Failed to connect to {} port {}: {}",
                                   e.front().address().to_string(), e.front().port(), ec.message());
  }
  if (ec == asio::error::eof && received_ == 0) return "Empty reply from server";
  if (ec.category() == http::make_error_code(http::error::need_more).category())
    return fmt::format("Weird server reply: {}", ec.message());
  return fmt::format("Recv failure: {}", ec.message());
}

asio::awaitable<Exchange> LeanConnection::exchange(std::string_view request, ResponseSink sink,
                                                   bool fresh, Clock::time_point now) {
  deadline_ = now + timeout_;
  timed_out_ = false;
  received_ = 0;
  if (fresh) close();
  bool reused = socket_.is_open();
  Exchange out;
  error_code ec;
  if (!reused) ec = co_await connect();
  if (ec) out.error = error_text(ec, true);
  for (int attempt = 0; !ec; ++attempt) {
    ec = co_await send(request);
    if (!ec) ec = co_await read_response(sink, out.status);
    if (!ec) break;
    if (reused && attempt == 0 && received_ == 0 && !timed_out_ && closed_by_peer(ec)) {
      reused = false;  // the server closed it between requests: once more, on a new one
      if ((ec = co_await connect())) out.error = error_text(ec, true);
      continue;
    }
    out.status = 0;
    out.error = error_text(ec, false);
  }
  if (ec || fresh || !keep_alive_) close();
  deadline_ = Clock::time_point::max();
  co_return out;
}

}  // namespace sc::detail
