#include "net/http_server.hpp"

#include <cstring>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <cstring>
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
    : workers_(std::move(workers)),
      options_(options),
      acceptor_(*workers_.at(0).ioc),
      buffered_bytes_(std::make_shared<std::atomic<std::uint64_t>>(0)) {}

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
    TimedStream::socket_type socket = co_await acceptor_.async_accept(
        *worker.ioc, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
      // EMFILE/ENFILE leave the connection queued, so accepting again at once would spin at
      // full CPU: pause (the open connections are served meanwhile), then retry.
      if (backoff.count() == 0 && options_.log)
        // strerror, not ec.message(): out of descriptors, UBSan's vptr check of the error
        // category (which needs a pipe) would itself fail in the sanitizer build.
        options_.log(fmt::format("cannot accept connections: {}; retrying",
                                 std::strerror(ec.value())));
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

// Holds a share of ServerOptions::buffered_body_limit while a request body is in memory. It
// keeps the counter alive: a connection's frame may be destroyed after the server.
class HttpServer::BodyReservation {
 public:
  explicit BodyReservation(const std::shared_ptr<std::atomic<std::uint64_t>>& total)
      : total_(total) {}
  ~BodyReservation() {
    if (held_) held_->fetch_sub(bytes_);
  }
  BodyReservation(const BodyReservation&) = delete;
  BodyReservation& operator=(const BodyReservation&) = delete;
  bool take(std::uint64_t bytes, std::uint64_t limit) {
    if (total_->fetch_add(bytes) + bytes > limit) {
      total_->fetch_sub(bytes);
      return false;
    }
    held_ = total_;  // only a request with a body pays for the shared_ptr copy
    bytes_ += bytes;
    return true;
  }

 private:
  const std::shared_ptr<std::atomic<std::uint64_t>>& total_;
  std::shared_ptr<std::atomic<std::uint64_t>> held_;
  std::uint64_t bytes_ = 0;
};

namespace {

Response refusal(http::status status, std::string_view why) {
  Response res = text_response(status, 11, fmt::format("{}\n", why));
  res.keep_alive(false);  // the body, if any, was not read: the connection is out of step
  return res;
}

}  // namespace

// The checks that need only the header, so that a refused body is never read or buffered.
// `continue_due`: the client waits for a 100 Continue before it sends its body; a streamed
// body sends it when the handler first reads it, a buffered one at once (read_request).
std::optional<Response> HttpServer::before_body(http::request_parser<http::string_body>& parser,
                                                BodyReservation& reservation, bool& continue_due) {
  auto& req = parser.get();
  if (auto bad = check_transfer_encoding(req))
    return refusal(*bad, "unsupported Transfer-Encoding");
  if (check_host(req))
    return refusal(http::status::bad_request, "a request needs exactly one Host");
  const auto expect = expectation(req);
  if (expect == Expectation::kUnsupported)
    return refusal(http::status::expectation_failed, "only Expect: 100-continue is supported");
  // The expectation is met by this server and not passed on, so no upstream answers it a
  // second time.
  if (expect == Expectation::kContinue) req.erase(http::field::expect);
  if (parser.is_done()) return std::nullopt;
  continue_due = expect == Expectation::kContinue && req.version() >= 11;
  if (options_.stream_bodies) return std::nullopt;
  const std::uint64_t body = parser.content_length().value_or(options_.body_limit);
  if (!reservation.take(body, options_.buffered_body_limit))
    return refusal(http::status::service_unavailable,
                   "too many request bodies are held in memory now; try again later");
  return std::nullopt;
}

asio::awaitable<std::optional<Response>> HttpServer::read_request(
    TimedStream& stream, beast::flat_buffer& buffer, Request& out,
    std::optional<BodyStream>& body, BodyReservation& reservation, boost::system::error_code& ec) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(options_.header_limit);
  // A streamed body's limit is httpd's LimitRequestBody, where 0 means none.
  if (options_.stream_bodies && options_.body_limit == 0)
    parser.body_limit(boost::none);
  else
    parser.body_limit(options_.body_limit);
  stream.expires_after(options_.read_timeout);
  co_await http::async_read_header(stream, buffer, parser,
                                   asio::redirect_error(asio::use_awaitable, ec));
  std::size_t header_fields = 0;
  if (!ec) {
    bool continue_due = false;
    if (auto refused = before_body(parser, reservation, continue_due)) co_return refused;
    if (continue_due && !options_.stream_bodies) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      stream.expires_after(options_.write_timeout);
      co_await asio::async_write(stream, asio::buffer(kContinue),
                                 asio::redirect_error(asio::use_awaitable, ec));
      stream.expires_after(options_.read_timeout);
    }
    if (!ec && options_.stream_bodies && !parser.is_done()) {
      body.emplace(stream, buffer, std::move(parser), continue_due, options_.read_timeout,
                   options_.write_timeout);
      out = body->release_header();
      co_return std::nullopt;
    }
    const auto& fields = parser.get();
    header_fields = static_cast<std::size_t>(std::distance(fields.begin(), fields.end()));
  }
  if (!ec && !parser.is_done())
    co_await http::async_read(stream, buffer, parser,
                              asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    auto status = status_for_parse_error(ec);
    if (!status) co_return std::nullopt;
    auto answer = refusal(*status, ec.message());
    ec = {};
    co_return answer;
  }
  out = parser.release();
  drop_trailer_fields(out, header_fields);
  co_return std::nullopt;
}

namespace {

// After the answer, what the handler left of a streamed body is read and dropped so that the
// connection can carry the next request; false when it must close instead: the client was
// never asked for the body (its 100 Continue not sent), or reading it failed.
asio::awaitable<bool> settle_body(std::optional<BodyStream>& body) {
  if (!body || body->done()) co_return true;
  if (body->continue_pending() || body->failed()) co_return false;
  boost::system::error_code ec;
  co_await body->discard(ec);
  co_return !ec;
}

bool body_blocks_keep_alive(const std::optional<BodyStream>& body) {
  return body && !body->done() && (body->continue_pending() || body->failed());
}

}  // namespace

asio::awaitable<void> HttpServer::serve(TimedStream::socket_type socket, AsyncHandler& handler) {
  boost::system::error_code ec;
  Connection conn;
  conn.remote = socket.remote_endpoint(ec);
  conn.local = socket.local_endpoint(ec);
  conn.remote_ip = address_text(conn.remote.address());
  TimedStream stream(std::move(socket));
  conn.stream = &stream;
  conn.write_timeout = options_.write_timeout;
  beast::flat_buffer buffer;
  std::string scratch;  // the answer's start line and fields, reused per answer
  while (true) {
    BodyReservation reservation(buffered_bytes_);
    std::optional<BodyStream> body;
    Request req;
    auto refused = co_await read_request(stream, buffer, req, body, reservation, ec);
    if (ec && !refused) break;
    Response res;
    bool head = false;
    bool keep_alive = false;
    if (refused) {
      res = std::move(*refused);
      keep_alive = res.keep_alive();
    } else {
      head = req.method() == http::verb::head;
      conn.client_keep_alive = keeps_alive(req, req.version());
      conn.answered = conn.close = false;
      conn.body = body ? &*body : nullptr;
      stream.expires_never();  // the handler may wait on others: the client is not slow
      res = co_await handler(req, conn);  // may consume req
      conn.body = nullptr;
      if (conn.answered && (conn.close || !conn.client_keep_alive)) break;
      if (conn.answered && !(co_await settle_body(body))) break;
      if (conn.answered) continue;
      const bool offered = keeps_alive(res, res.version());
      keep_alive = conn.client_keep_alive && offered && !body_blocks_keep_alive(body);
      if (keep_alive != offered) res.keep_alive(keep_alive);
    }
    if (head) res.body().clear();  // its fields still describe what a GET would carry
    const bool close = !keep_alive;
    stream.expires_after(options_.write_timeout);
    if (std::size_t sent = 0; !write_message_now(stream, res, scratch, sent, ec))
      co_await async_write_rest(stream, res, scratch, sent, ec);
    if (ec || close || !(co_await settle_body(body))) break;
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

void run_until_signal(const std::vector<asio::io_context*>& contexts, HttpServer& server,
                      const std::function<void(std::size_t)>& on_start) {
  std::vector<std::thread> threads;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  for (std::size_t k = 1; k < contexts.size(); ++k) {
    guards.emplace_back(contexts[k]->get_executor());
    threads.emplace_back([ioc = contexts[k], k, &on_start] {
      if (on_start) on_start(k);
      ioc->run();
    });
  }
  if (on_start) on_start(0);
  run_until_signal(*contexts.at(0), server);
  for (auto* ioc : contexts) ioc->stop();
  for (auto& t : threads) t.join();
}

}  // namespace sc::net
