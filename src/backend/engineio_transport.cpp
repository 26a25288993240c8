#include "backend/engineio_transport.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include "contract/backend_contract.hpp"
#include "net/body_stream.hpp"
#include "net/websocket_layer.hpp"
#include "util/json_writer.hpp"

namespace sc {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using net::http::status;
using Clock = EngineIoServer::Clock;
using WebSocket = websocket::stream<net::TimedStream&>;

namespace {

// How long a WebSocket's opening handshake may take, and a plain echo may stay silent.
constexpr auto kHandshakeTimeout = std::chrono::seconds(10);
constexpr auto kEchoIdleTimeout = std::chrono::seconds(60);

bool path_is(std::string_view path, std::string_view want) {
  if (want.empty()) return false;
  if (path == want) return true;
  // "/socket.io/" and "/socket.io" are the same path to engine.io.
  if (want.back() == '/') return path == want.substr(0, want.size() - 1);
  return path.size() == want.size() + 1 && path.starts_with(want) && path.back() == '/';
}

std::string_view query_of(const net::Request& req) {
  std::string_view target = req.target();
  const auto q = target.find('?');
  return q == target.npos ? std::string_view{} : target.substr(q + 1);
}

// The backend's identity on every answer, and its route cookie as for its pages.
void stamp(net::http::fields& f, const BackendOptions& backend, bool session_start) {
  f.set(contract::kBackendHeader, backend.name);
  if (!backend.route_cookie.empty() &&
      (backend.route_cookie_when == RouteCookieWhen::kAlways || session_start))
    f.insert(net::http::field::set_cookie,
             contract::route_cookie_value(backend.route_cookie, backend.name, backend.route));
}

net::Response answer(status code, unsigned version, const BackendOptions& backend, std::string body,
                     std::string_view type, bool session_start = false) {
  net::Response res{code, version};
  stamp(res, backend, session_start);
  res.set(net::http::field::content_type, type);
  res.set(net::http::field::cache_control, "no-store");
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

net::Response refusal(eio::ErrorCode code, unsigned version, const BackendOptions& backend) {
  return answer(status::bad_request, version, backend, eio::error_body(code), "application/json");
}

net::Response text_answer(unsigned version, const BackendOptions& backend, std::string body,
                          bool session_start = false) {
  return answer(status::ok, version, backend, std::move(body), "text/plain; charset=UTF-8",
                session_start);
}

// A poll: waits until the session has something for the client, at most until its next ping.
asio::awaitable<net::Response> poll(EngineIoServer& server, const BackendOptions& backend,
                                    const std::string& sid, unsigned version) {
  if (server.transport(sid) == EioTransport::kWebSocket)
    co_return refusal(eio::ErrorCode::kBadRequest, version, backend);
  asio::steady_timer timer(co_await asio::this_coro::executor);
  server.set_waker(sid, [&timer] { timer.cancel(); });
  while (true) {
    if (auto payload = server.take_payload(sid, Clock::now())) {
      // After an upgrade the waker is the WebSocket's own: it stays.
      if (server.transport(sid) == EioTransport::kPolling) server.set_waker(sid, {});
      co_return text_answer(version, backend, std::move(*payload));
    }
    timer.expires_at(server.wake_at(sid));
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

asio::awaitable<net::Response> send(EngineIoServer& server, const BackendOptions& backend,
                                    const std::string& sid, net::Request& req,
                                    net::Connection& conn) {
  const unsigned version = req.version();
  auto body = co_await net::read_bounded_body(req, conn, server.options().max_payload);
  if (!body) {
    server.close(sid);
    conn.close = true;
    co_return answer(status::payload_too_large, version, backend, "", "text/plain");
  }
  if (!server.holds(sid, Clock::now()))
    co_return refusal(eio::ErrorCode::kUnknownSid, version, backend);
  if (auto st = server.receive_payload(sid, *body, Clock::now()); !st)
    co_return refusal(eio::ErrorCode::kBadRequest, version, backend);
  co_return answer(status::ok, version, backend, "ok", "text/html");
}

void configure(WebSocket& ws, const BackendOptions& backend, std::size_t max_message,
               std::chrono::milliseconds idle) {
  websocket::stream_base::timeout t;
  t.handshake_timeout = kHandshakeTimeout;
  t.idle_timeout = idle;
  t.keep_alive_pings = false;  // engine.io pings in its own packets
  ws.set_option(t);
  ws.read_message_max(max_message);
  ws.text(true);
  ws.set_option(websocket::stream_base::decorator(
      [&backend](websocket::response_type& res) { stamp(res, backend, false); }));
}

// The upgrade's probe on a polling session: `2probe` answered `3probe`, the waiting poll
// released, then `5`. False when the client did anything else.
asio::awaitable<bool> probe(WebSocket& ws, EngineIoServer& server, const std::string& sid) {
  beast::flat_buffer buffer;
  boost::system::error_code ec;
  co_await ws.async_read(buffer, asio::redirect_error(asio::use_awaitable, ec));
  if (ec || beast::buffers_to_string(buffer.data()) != "2probe") co_return false;
  co_await ws.async_write(asio::buffer(std::string_view("3probe")),
                          asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return false;
  server.release_poll(sid);
  buffer.clear();
  co_await ws.async_read(buffer, asio::redirect_error(asio::use_awaitable, ec));
  if (ec || beast::buffers_to_string(buffer.data()) != "5") co_return false;
  server.switch_to_websocket(sid);
  co_return true;
}

asio::awaitable<void> read_packets(WebSocket& ws, EngineIoServer& server, const std::string& sid) {
  beast::flat_buffer buffer;
  while (true) {
    boost::system::error_code ec;
    co_await ws.async_read(buffer, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    auto st = server.receive_message(sid, beast::buffers_to_string(buffer.data()), Clock::now());
    buffer.clear();
    if (!st) co_return;
  }
}

asio::awaitable<void> write_packets(WebSocket& ws, EngineIoServer& server, const std::string& sid) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  server.set_waker(sid, [&timer] { timer.cancel(); });
  while (server.holds(sid, Clock::now())) {
    auto messages = server.take_messages(sid, Clock::now());
    for (const auto& m : messages) {
      boost::system::error_code ec;
      co_await ws.async_write(asio::buffer(m), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
    }
    // What was queued during those writes woke no one (the timer was not waiting): look again.
    if (!messages.empty()) continue;
    timer.expires_at(server.wake_at(sid));
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

asio::awaitable<net::Response> websocket_session(EngineIoServer& server,
                                                 const BackendOptions& backend, std::string sid,
                                                 net::Request& req, net::Connection& conn) {
  using namespace asio::experimental::awaitable_operators;
  const auto& o = server.options();
  if (!sid.empty() &&
      (!server.holds(sid, Clock::now()) || server.transport(sid) == EioTransport::kWebSocket))
    co_return refusal(eio::ErrorCode::kUnknownSid, req.version(), backend);
  WebSocket ws(*conn.stream);
  configure(ws, backend, o.max_payload, o.ping_interval + o.ping_timeout);
  conn.answered = conn.close = true;  // the connection is the WebSocket's from here
  boost::system::error_code ec;
  co_await ws.async_accept(req, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return net::Response{};
  if (sid.empty()) {
    auto open = server.open(EioTransport::kWebSocket, Clock::now());
    if (!open) {
      co_await ws.async_close(websocket::close_code::try_again_later,
                              asio::redirect_error(asio::use_awaitable, ec));
      co_return net::Response{};
    }
    sid = eio::decode_handshake(eio::decode(*open)->data)->sid;
    co_await ws.async_write(asio::buffer(*open), asio::redirect_error(asio::use_awaitable, ec));
  } else if (!(co_await probe(ws, server, sid))) {
    ec = asio::error::operation_aborted;
  }
  if (!ec) co_await (read_packets(ws, server, sid) || write_packets(ws, server, sid));
  // The writer's waker points at its timer, gone with it: the session must not call it.
  server.set_waker(sid, {});
  server.close(sid);
  co_return net::Response{};
}

}  // namespace

bool is_engineio_path(const EngineIoOptions& o, std::string_view path) {
  return o.enabled && path_is(path, o.path);
}

bool is_websocket_echo_path(const EngineIoOptions& o, std::string_view path) {
  return path_is(path, o.websocket_path);
}

asio::awaitable<net::Response> serve_engineio(EngineIoServer& server, const BackendOptions& backend,
                                              net::Request& req, net::Connection& conn) {
  const bool upgrade = websocket::is_upgrade(req);
  const auto r = classify_engineio(req.method_string(), query_of(req), upgrade);
  const auto now = Clock::now();
  switch (r.kind) {
    case EioRequest::Kind::kRefused:
      co_return refusal(r.error, req.version(), backend);
    case EioRequest::Kind::kHandshake: {
      auto open = server.open(EioTransport::kPolling, now);
      if (!open)
        co_return answer(status::service_unavailable, req.version(), backend,
                         "too many engine.io sessions\n", "text/plain");
      co_return text_answer(req.version(), backend, std::move(*open), true);
    }
    case EioRequest::Kind::kPoll:
      if (!server.holds(r.sid, now))
        co_return refusal(eio::ErrorCode::kUnknownSid, req.version(), backend);
      co_return co_await poll(server, backend, r.sid, req.version());
    case EioRequest::Kind::kSend:
      co_return co_await send(server, backend, r.sid, req, conn);
    case EioRequest::Kind::kWebSocket:
      co_return co_await websocket_session(server, backend, r.sid, req, conn);
  }
  co_return refusal(eio::ErrorCode::kBadRequest, req.version(), backend);
}

asio::awaitable<net::Response> serve_websocket_echo(const BackendOptions& backend,
                                                    net::Request& req, net::Connection& conn) {
  if (!websocket::is_upgrade(req))
    co_return answer(status::bad_request, req.version(), backend,
                     "a WebSocket upgrade is expected here\n", "text/plain");
  WebSocket ws(*conn.stream);
  configure(ws, backend, 1 << 20, kEchoIdleTimeout);
  conn.answered = conn.close = true;
  boost::system::error_code ec;
  co_await ws.async_accept(req, asio::redirect_error(asio::use_awaitable, ec));
  beast::flat_buffer buffer;
  std::string reply;
  while (!ec) {
    buffer.clear();
    co_await ws.async_read(buffer, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    reply.clear();
    JsonWriter json(reply);
    json.begin_object()
        .key(contract::field::kBackend)
        .string(backend.name)
        .key("echo")
        .string(beast::buffers_to_string(buffer.data()))
        .end_object();
    co_await ws.async_write(asio::buffer(reply), asio::redirect_error(asio::use_awaitable, ec));
  }
  co_return net::Response{};
}

}  // namespace sc
