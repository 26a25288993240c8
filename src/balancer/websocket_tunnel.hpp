#pragma once
// What the balancer does after a member answered an upgrade request with 101, as httpd's
// mod_proxy_http (`upgrade=websocket`) and mod_proxy_wstunnel (ws:// members) do: bytes carried
// both ways unread, through a bounded buffer per direction; both sides closed as soon as
// either ends (a member killed mid-tunnel closes the client's side at once), or when nothing
// moved either way for the idle timeout (ProxyWebsocketIdleTimeout's role).
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <string_view>

#include "net/timed_stream.hpp"

namespace sc {

struct TunnelLimits {
  std::size_t buffer = 16 * 1024;  // per direction
  std::chrono::milliseconds idle{30000};
};

struct TunnelBytes {
  long long to_member = 0;  // from the client
  long long to_client = 0;  // from the member, `member_early` included
};

// Carries the tunnel until it ends; `member_early`: what the member sent after its 101 head,
// read with it, which goes to the client first. Closes both streams when it returns.
boost::asio::awaitable<TunnelBytes> tunnel(net::TimedStream& client, net::TimedStream& member,
                                           std::string_view member_early, TunnelLimits limits);

// Whether a request asks to upgrade to WebSocket: `Upgrade: websocket` with `upgrade` among
// the Connection tokens (RFC 9110 7.8, RFC 6455 4.1), case-insensitive.
bool asks_websocket_upgrade(std::string_view upgrade, std::string_view connection);

}  // namespace sc
