#include "net/http_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <fmt/format.h>

#include <thread>

#include "net/endpoint.hpp"
#include "net/request_checks.hpp"
#include "net/wire.hpp"

namespace sc::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::ip::tcp;

HttpServer::HttpServer(asio::io_context& ioc, AsyncHandler handler, ServerOptions options)
    : HttpServer({ServerWorker{&ioc, std::move(handler)}}, options) {}

HttpServer::HttpServer(std::vector<ServerWorker> workers, ServerOptions options)
    : workers_(std::move(workers)), options_(options), acceptor_(*workers_.at(0).ioc) {}

Status HttpServer::listen(const tcp::endpoint& endpoint) {
  boost::system::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Error{fmt::format("cannot listen on {}: {}", to_string(endpoint), ec.message())};
  return ok_status();
}

tcp::endpoint HttpServer::local_endpoint() const {
  boost::system::error_code ec;
  return acceptor_.local_endpoint(ec);
}

void HttpServer::start() { asio::co_spawn(acceptor_.get_executor(), accept_loop(), asio::detached); }

void HttpServer::stop() {
  boost::system::error_code ec;
  acceptor_.close(ec);
}

namespace {

// The pause before accepting again after a failed accept: 10 ms, doubling to 500 ms while
// accepts keep failing, so descriptors freed are used within half a second.
std::chrono::milliseconds next_backoff(std::chrono::milliseconds previous) {
  using std::chrono::milliseconds;
  return previous.count() == 0 ? milliseconds(10) : std::min(previous * 2, milliseconds(500));
}

}  // namespace

asio::awaitable<void> HttpServer::accept_loop() {
  asio::steady_timer pause(acceptor_.get_executor());
  std::chrono::milliseconds backoff{0};
  while (acceptor_.is_open()) {
    boost::system::error_code ec;
    auto& worker = workers_[next_worker_];
    tcp::socket socket = co_await acceptor_.async_accept(
        *worker.ioc, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
      // EMFILE/ENFILE leave the connection queued, so accepting again at once would spin at
      // full CPU: pause (the open connections are served meanwhile), then retry.
      if (backoff.count() == 0 && options_.log)
        options_.log(fmt::format("cannot accept connections: {}; retrying", ec.message()));
      backoff = next_backoff(backoff);
      pause.expires_after(backoff);
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    if (backoff.count() != 0 && options_.log) options_.log("accepting connections again");
    backoff = std::chrono::milliseconds(0);
    next_worker_ = (next_worker_ + 1) % workers_.size();
    socket.set_option(tcp::no_delay(true), ec);
    asio::co_spawn(*worker.ioc, serve(std::move(socket), worker.handler), asio::detached);
  }
}

namespace {

// Maps a request parse failure to the status a careful server answers, or none (just close).
std::optional<http::status> status_for_parse_error(const boost::system::error_code& ec) {
  if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
      ec == asio::error::eof || ec == asio::error::connection_reset ||
      ec == asio::error::operation_aborted || ec == http::error::partial_message)
    return std::nullopt;
  if (ec == http::error::header_limit) return http::status::request_header_fields_too_large;
  if (ec == http::error::body_limit) return http::status::payload_too_large;
  return http::status::bad_request;
}

}  // namespace

asio::awaitable<void> HttpServer::serve(tcp::socket socket, AsyncHandler& handler) {
  boost::system::error_code ec;
  ClientInfo client;
  client.remote = socket.remote_endpoint(ec);
  client.local = socket.local_endpoint(ec);
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  std::string scratch;  // the answer's start line and fields, reused per answer
  while (true) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(options_.header_limit);
    parser.body_limit(options_.body_limit);
    stream.expires_after(options_.read_timeout);
    co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    // Each branch only chooses the answer; one path writes it.
    Response res;
    if (ec) {
      auto status = status_for_parse_error(ec);
      if (!status) break;
      res = text_response(*status, 11, fmt::format("{}\n", ec.message()));
      res.keep_alive(false);
    } else {
      Request req = parser.release();
      if (auto bad = check_transfer_encoding(req)) {
        res = text_response(*bad, req.version(), "unsupported Transfer-Encoding\n");
        res.keep_alive(false);
      } else {
        const bool keep_alive = req.keep_alive();
        res = co_await handler(req, client);  // may consume req
        res.keep_alive(keep_alive && res.keep_alive());
      }
    }
    const bool close = !res.keep_alive();
    stream.expires_after(options_.write_timeout);
    co_await async_write_message(stream, res, scratch, ec);
    if (ec || close) break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

void run_until_signal(asio::io_context& ioc, HttpServer& server) {
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) {
    server.stop();
    ioc.stop();
  });
  ioc.run();
}

void run_until_signal(const std::vector<asio::io_context*>& contexts, HttpServer& server) {
  std::vector<std::thread> threads;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  for (std::size_t k = 1; k < contexts.size(); ++k) {
    guards.emplace_back(contexts[k]->get_executor());
    threads.emplace_back([ioc = contexts[k]] { ioc->run(); });
  }
  run_until_signal(*contexts.at(0), server);
  for (auto* ioc : contexts) ioc->stop();
  for (auto& t : threads) t.join();
}

}  // namespace sc::net
