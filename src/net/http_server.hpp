#pragma once
// An HTTP/1.1 server transport: accept loop, keep-alive, limits and a timeout on every
// operation. What to answer is the handler's business.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <string>

#include "net/http_types.hpp"
#include "util/result.hpp"

namespace sc::net {

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& ioc, AsyncHandler handler, ServerOptions options);

  // Binds and listens; an error names the address and the cause (e.g. address in use).
  Status listen(const boost::asio::ip::tcp::endpoint& endpoint);
  boost::asio::ip::tcp::endpoint local_endpoint() const;
  // Starts accepting on the io_context; stop() closes the acceptor.
  void start();
  void stop();

 private:
  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& ioc_;
  AsyncHandler handler_;
  ServerOptions options_;
  boost::asio::ip::tcp::acceptor acceptor_;
};

// Runs `ioc` until SIGINT or SIGTERM, then stops `server` and returns (graceful shutdown).
void run_until_signal(boost::asio::io_context& ioc, HttpServer& server);

}  // namespace sc::net
