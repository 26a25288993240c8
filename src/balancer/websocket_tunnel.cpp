#include "balancer/websocket_tunnel.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <memory>

#include "util/text.hpp"

namespace sc {

namespace {

namespace asio = boost::asio;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
using Clock = std::chrono::steady_clock;

// One direction: what `from` sends goes to `to`, until either fails or `from` ends. Every
// byte moved puts the idle deadline off.
asio::awaitable<void> pump(net::TimedStream& from, net::TimedStream& to, std::size_t size,
                           long long& bytes, Clock::time_point& last_move) {
  auto buffer = std::make_unique<char[]>(size);
  for (;;) {
    auto [ec, n] = co_await from.async_read_some(asio::buffer(buffer.get(), size), kTuple);
    if (ec || n == 0) co_return;
    last_move = Clock::now();
    auto [wec, written] = co_await asio::async_write(to, asio::buffer(buffer.get(), n), kTuple);
    if (wec) co_return;
    bytes += static_cast<long long>(written);
    last_move = Clock::now();
  }
}

// Ends when nothing moved either way for `idle`.
asio::awaitable<void> watch_idle(std::chrono::milliseconds idle,
                                 const Clock::time_point& last_move) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (;;) {
    timer.expires_at(last_move + idle);
    co_await timer.async_wait(kTuple);
    if (Clock::now() >= last_move + idle) co_return;
  }
}

void close(net::TimedStream& s) {
  boost::system::error_code ec;
  s.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  s.socket().close(ec);
}

}  // namespace

asio::awaitable<TunnelBytes> tunnel(net::TimedStream& client, net::TimedStream& member,
                                    std::string_view member_early, TunnelLimits limits) {
  using namespace asio::experimental::awaitable_operators;
  TunnelBytes bytes;
  client.expires_never();
  member.expires_never();
  if (!member_early.empty()) {
    auto [ec, n] = co_await asio::async_write(client, asio::buffer(member_early), kTuple);
    bytes.to_client += static_cast<long long>(n);
    if (ec) {
      close(client);
      close(member);
      co_return bytes;
    }
  }
  Clock::time_point last_move = Clock::now();
  // The first to end cancels the others: either side gone, or the tunnel idle.
  co_await (pump(client, member, limits.buffer, bytes.to_member, last_move) ||
            pump(member, client, limits.buffer, bytes.to_client, last_move) ||
            watch_idle(limits.idle, last_move));
  close(client);
  close(member);
  co_return bytes;
}

bool asks_websocket_upgrade(std::string_view upgrade, std::string_view connection) {
  bool websocket = false;
  for (auto token : split(upgrade, ','))
    websocket = websocket || iequals(trim(token).substr(0, trim(token).find('/')), "websocket");
  bool upgrading = false;
  for (auto token : split(connection, ','))
    upgrading = upgrading || iequals(trim(token), "upgrade");
  return websocket && upgrading;
}

}  // namespace sc
