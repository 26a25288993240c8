#pragma once
// The transports of the mock backend's engine.io server and its plain WebSocket echo: HTTP
// long-polling (a poll waits, bounded by the ping interval, until there is something to send)
// and WebSocket (Beast), both with a timeout on every wait. What to answer is EngineIoServer's.
#include <boost/asio/awaitable.hpp>
#include <string_view>

#include "backend/backend_options.hpp"
#include "backend/engineio_server.hpp"
#include "net/http_types.hpp"

namespace sc {

// Whether a request's path is the engine.io path (with or without its trailing slash).
bool is_engineio_path(const EngineIoOptions& o, std::string_view path);
bool is_websocket_echo_path(const EngineIoOptions& o, std::string_view path);

// One request to the engine.io path: the answer to a handshake, poll or send, or (for a
// WebSocket) the connection taken over until it ends (conn.answered).
boost::asio::awaitable<net::Response> serve_engineio(EngineIoServer& server,
                                                     const BackendOptions& backend,
                                                     net::Request& req, net::Connection& conn);

// The plain WebSocket echo: every text message comes back as
// {"backend":NAME,"echo":MESSAGE}; anything but a WebSocket upgrade is answered 400.
boost::asio::awaitable<net::Response> serve_websocket_echo(const BackendOptions& backend,
                                                           net::Request& req,
                                                           net::Connection& conn);

}  // namespace sc
