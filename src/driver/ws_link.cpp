#include "driver/ws_link.hpp"

#include <fmt/format.h>

#include <boost/asio/redirect_error.hpp>
#include <boost/beast/websocket.hpp>

#include "net/websocket_layer.hpp"
#include "util/text.hpp"

namespace sc::detail {

namespace {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using error_code = boost::system::error_code;
}  // namespace

WsLink::WsLink(asio::io_context& ioc, const LeanTarget& target, WsLimits limits)
    : target_(target), limits_(limits), ws_(ioc) {
  websocket::stream_base::timeout t;
  t.handshake_timeout = limits.handshake_timeout;
  t.idle_timeout = limits.idle_timeout.count() > 0
                       ? std::chrono::steady_clock::duration(limits.idle_timeout)
                       : websocket::stream_base::none();
  t.keep_alive_pings = false;  // engine.io pings in its own packets; an echo answers each message
  ws_.set_option(t);
  ws_.read_message_max(limits.max_message);
  ws_.text(true);
  ws_.set_option(websocket::stream_base::decorator([this](websocket::request_type& req) {
    req.set(beast::http::field::user_agent, "stickycheck");
    if (!cookies_.empty()) req.set(beast::http::field::cookie, cookies_);
  }));
}

asio::awaitable<error_code> WsLink::connect(std::optional<asio::ip::address> source) {
  auto& socket = ws_.next_layer().socket();
  error_code ec = asio::error::host_not_found;
  for (const auto& endpoint : target_.endpoints) {
    socket.close(ec);
    socket.open(endpoint.protocol(), ec);
    if (!ec && source) socket.bind({*source, 0}, ec);
    if (ec) continue;
    std::tie(ec) = co_await ws_.next_layer().async_connect(endpoint, kTuple);
    if (!ec) {
      socket.set_option(asio::ip::tcp::no_delay(true), ec);
      co_return error_code{};
    }
    if (ws_.next_layer().timed_out()) break;
  }
  co_return ec;
}

// The upgrade's answer as an HTTP answer: its fields for the record (the backend's name on a
// refusal), its cookies for the jar, and its body (engine.io's error).
void WsLink::take_answer(ResponseSink sink) {
  sink.capture.start_response();
  int set_cookies = 0;
  for (const auto& f : answer_) {
    const std::string lower = to_lower(f.name_string());
    sink.capture.field(lower, f.value());
    if (sink.jar && lower == "set-cookie" && set_cookies++ < kMaxSetCookiesPerResponse)
      sink.jar->store(f.value(), sink.origin, std::chrono::system_clock::now());
  }
  sink.capture.body(answer_.body());
}

asio::awaitable<Exchange> WsLink::open(std::string_view path_and_query,
                                       std::optional<asio::ip::address> source, ResponseSink sink) {
  Exchange out;
  cookies_.clear();
  if (sink.jar) sink.jar->cookie_header(sink.origin, std::chrono::system_clock::now(), cookies_);
  sink.capture.set_sent_cookies(cookies_);
  ws_.next_layer().expires_after(limits_.handshake_timeout);
  auto ec = co_await connect(source);
  if (ec) {
    const auto& e = target_.endpoints;
    out.error = e.empty()
                    ? target_.unresolved
                    : fmt::format("Failed to connect to {} port {}: {}",
                                  e.front().address().to_string(), e.front().port(), ec.message());
    co_return out;
  }
  std::tie(ec) = co_await ws_.async_handshake(answer_, target_.host_header,
                                              std::string(path_and_query), kTuple);
  ws_.next_layer().expires_never();  // from here, Beast's idle timeout
  out.status = answer_.result_int();
  if (out.status != 0) take_answer(sink);
  if (ec && out.status == 101) out.status = 0;  // a 101 Beast refused (no Sec-WebSocket-Accept)
  if (ec)
    out.error = out.status != 0 ? fmt::format("the upgrade was answered HTTP {}", out.status)
                                : ec.message();
  if (ec) close();
  co_return out;
}

asio::awaitable<error_code> WsLink::write(std::string_view text) {
  auto [ec, n] = co_await ws_.async_write(asio::buffer(text), kTuple);
  co_return ec;
}

asio::awaitable<error_code> WsLink::read(std::string_view& message) {
  buffer_.clear();
  auto [ec, n] = co_await ws_.async_read(buffer_, kTuple);
  // A flat buffer holds the message in one piece.
  message = ec ? std::string_view()
               : std::string_view(static_cast<const char*>(buffer_.data().data()), buffer_.size());
  co_return ec;
}

void WsLink::close() {
  error_code ec;
  ws_.next_layer().socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  ws_.next_layer().socket().close(ec);
}

bool WsLink::is_open() const { return ws_.is_open(); }

}  // namespace sc::detail
