#pragma once
// Beast's WebSocket stream over our TimedStream: the teardown Beast calls when a WebSocket
// closes, and the close it does when its own timeout fires, found by argument-dependent
// lookup and done on the underlying TCP socket.
#include <boost/beast/websocket/teardown.hpp>

#include "net/timed_stream.hpp"

namespace sc::net {

inline void teardown(boost::beast::role_type role, TimedStream& stream,
                     boost::system::error_code& ec) {
  boost::beast::websocket::teardown(role, stream.socket(), ec);
}

inline void beast_close_socket(TimedStream& stream) {
  boost::system::error_code ec;
  stream.socket().close(ec);
}

template <class TeardownHandler>
void async_teardown(boost::beast::role_type role, TimedStream& stream, TeardownHandler&& handler) {
  boost::beast::websocket::async_teardown(role, stream.socket(),
                                          std::forward<TeardownHandler>(handler));
}

}  // namespace sc::net
