// The HTTP transport in process: limits that hold over all connections at once.
#include "net/http_server.hpp"

#include <gtest/gtest.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <thread>

#include "scripted_upstream.hpp"

namespace sc::test {
namespace {

namespace asio = boost::asio;

// Regression (issue 15.5): each connection could hold a full request body, with no bound on
// all of them together.
TEST(HttpServer, RequestBodiesPastTheGlobalBufferCapAre503) {
  asio::io_context ioc(1);
  net::ServerOptions options;
  options.body_limit = 1000;
  options.buffered_body_limit = 1500;
  net::HttpServer server(
      ioc,
      [](net::Request&, net::Connection&) -> asio::awaitable<net::Response> {
        co_return net::text_response(net::http::status::ok, 11, "ok");
      },
      options);
  ASSERT_TRUE(server.listen({asio::ip::make_address("127.0.0.1"), 0}));
  server.start();
  std::thread runner([&] { ioc.run(); });
  const auto port = server.local_endpoint().port();
  const std::string head = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n";

  RawClient holding(port);  // its 100 Continue says its 1000 bytes are reserved
  holding.send(head + "Expect: 100-continue\r\n\r\n");
  EXPECT_EQ(holding.read(25), "HTTP/1.1 100 Continue\r\n\r\n");
  RawClient refused(port);
  refused.send(head + "\r\n" + std::string(1000, 'b'));
  EXPECT_EQ(refused.read_answer().substr(0, 33), "HTTP/1.1 503 Service Unavailable\r");
  holding.send(std::string(1000, 'a'));
  EXPECT_EQ(holding.read_answer().substr(0, 15), "HTTP/1.1 200 OK");
  RawClient after(port);  // the reservation was given back
  after.send(head + "\r\n" + std::string(1000, 'c'));
  EXPECT_EQ(after.read_answer().substr(0, 15), "HTTP/1.1 200 OK");

  asio::post(ioc, [&] {
    server.stop();
    ioc.stop();
  });
  runner.join();
}

// A streamed body the handler does not read is discarded after the answer, so the next
// request on the connection is read from where that body ends, not from inside it.
TEST(HttpServer, StreamedBodyLeftUnreadIsDiscardedBeforeTheNextRequest) {
  asio::io_context ioc(1);
  net::ServerOptions options;
  options.stream_bodies = true;
  net::HttpServer server(
      ioc,
      [](net::Request& req, net::Connection&) -> asio::awaitable<net::Response> {
        co_return net::text_response(net::http::status::ok, 11, std::string(req.target()));
      },
      options);
  ASSERT_TRUE(server.listen({asio::ip::make_address("127.0.0.1"), 0}));
  server.start();
  std::thread runner([&] { ioc.run(); });
  RawClient client(server.local_endpoint().port());
  client.send("POST /first HTTP/1.1\r\nHost: x\r\nContent-Length: 20\r\n\r\n" +
              std::string("GET /smuggled HTTP/1.1\r\n").substr(0, 20) +
              "POST /second HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
              "4\r\nbody\r\n0\r\n\r\nGET /third HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string first = client.read_answer();
  const std::string second = client.read_answer();
  const std::string third = client.read_answer();
  EXPECT_TRUE(first.ends_with("\r\n\r\n/first")) << first;
  EXPECT_TRUE(second.ends_with("\r\n\r\n/second")) << second;
  EXPECT_TRUE(third.ends_with("\r\n\r\n/third")) << third;

  asio::post(ioc, [&] {
    server.stop();
    ioc.stop();
  });
  runner.join();
}

// The read timeout is the client's: a handler that takes longer (a slow member behind the
// proxy) still gets its answer to the client.
TEST(HttpServer, AHandlerSlowerThanTheReadTimeoutStillAnswers) {
  asio::io_context ioc(1);
  net::ServerOptions options;
  options.read_timeout = std::chrono::milliseconds(50);
  net::HttpServer server(
      ioc,
      [](net::Request&, net::Connection&) -> asio::awaitable<net::Response> {
        asio::steady_timer slow(co_await asio::this_coro::executor, std::chrono::milliseconds(200));
        co_await slow.async_wait(asio::use_awaitable);
        co_return net::text_response(net::http::status::ok, 11, "late");
      },
      options);
  ASSERT_TRUE(server.listen({asio::ip::make_address("127.0.0.1"), 0}));
  server.start();
  std::thread runner([&] { ioc.run(); });
  RawClient client(server.local_endpoint().port());
  client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string answer = client.read_answer();
  EXPECT_EQ(answer.substr(0, 15), "HTTP/1.1 200 OK") << answer;
  EXPECT_TRUE(answer.ends_with("\r\n\r\nlate")) << answer;

  asio::post(ioc, [&] {
    server.stop();
    ioc.stop();
  });
  runner.join();
}

}  // namespace
}  // namespace sc::test
