#pragma once
// An HTTP/1.1 server transport: accept loop, keep-alive, limits and a timeout on every
// operation. What to answer is the handler's business. With several workers, one acceptor
// hands each new connection to the next worker's io_context (one thread each), where the
// connection stays: no locking in the transport, and each worker's handler keeps its own state.
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "net/body_stream.hpp"
#include "net/http_types.hpp"
#include "util/result.hpp"

namespace sc::net {

struct ServerWorker {
  boost::asio::io_context* ioc;
  AsyncHandler handler;
};

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& ioc, AsyncHandler handler, ServerOptions options);
  // The acceptor lives on the first worker's io_context.
  HttpServer(std::vector<ServerWorker> workers, ServerOptions options);

  // Binds and listens; an error names the address and the cause (e.g. address in use).
  Status listen(const boost::asio::ip::tcp::endpoint& endpoint);
  boost::asio::ip::tcp::endpoint local_endpoint() const;
  // Starts accepting on the io_context; stop() closes the acceptor.
  void start();
  void stop();

 private:
  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> serve(TimedStream::socket_type socket, AsyncHandler& handler);
  class BodyReservation;
  // Reads one request into `out` (its header only when the body is streamed: then `body`
  // reads it), or gives the answer the transport makes instead (then the connection closes).
  // `ec` set and no answer: the client left or timed out.
  boost::asio::awaitable<std::optional<Response>> read_request(
      TimedStream& stream, boost::beast::flat_buffer& buffer, Request& out,
      std::optional<BodyStream>& body, BodyReservation& reservation, boost::system::error_code& ec);
  std::optional<Response> before_body(http::request_parser<http::string_body>& parser,
                                      BodyReservation& reservation, bool& continue_due);

  std::vector<ServerWorker> workers_;
  std::size_t next_worker_ = 0;
  ServerOptions options_;
  boost::asio::ip::tcp::acceptor acceptor_;
  // Request body bytes held now, over all workers.
  std::shared_ptr<std::atomic<std::uint64_t>> buffered_bytes_;
};

// Runs `ioc` until SIGINT or SIGTERM, then stops `server` and returns (graceful shutdown).
void run_until_signal(boost::asio::io_context& ioc, HttpServer& server);
// The same over several io_contexts, each on its own thread (the first on the caller's); the
// signal is taken on the first. `on_start(k)`, when given, runs first on worker k's thread.
void run_until_signal(const std::vector<boost::asio::io_context*>& contexts, HttpServer& server,
                      const std::function<void(std::size_t)>& on_start = {});

}  // namespace sc::net
