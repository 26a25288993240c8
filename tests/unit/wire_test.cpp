// The hand-laid start line and fields must be byte for byte what Beast's serializer writes.
#include "net/wire.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read.hpp>
#include <chrono>
#include <optional>
#include <sstream>
#include <string>

namespace sc::net {
namespace {

template <class Message>
std::string beast_bytes(const Message& m) {
  std::ostringstream os;
  os << m;
  return os.str();
}

template <class Message>
std::string our_bytes(const Message& m) {
  std::string out;
  append_head(m, out);
  return out + m.body();
}

TEST(Wire, RequestMatchesBeast) {
  Request req{http::verb::post, "/a/b?x=1&y=%20", 11};
  req.set(http::field::host, "127.0.0.1:8080");
  req.insert(http::field::cookie, "a=1");
  req.insert(http::field::cookie, "b=2");
  req.insert("X-Custom", "  spaced value");
  req.body() = "payload";
  req.prepare_payload();
  EXPECT_EQ(our_bytes(req), beast_bytes(req));
  EXPECT_EQ(our_bytes(req).substr(0, 31), "POST /a/b?x=1&y=%20 HTTP/1.1\r\nH");
}

TEST(Wire, UnknownMethodAndHttp10) {
  Request req;
  req.method_string("PURGE");
  req.target("/");
  req.version(10);
  EXPECT_EQ(our_bytes(req), beast_bytes(req));
  EXPECT_EQ(our_bytes(req), "PURGE / HTTP/1.0\r\n\r\n");
}

TEST(Wire, ResponseReasonsMatchBeast) {
  Response plain{http::status::service_unavailable, 11};
  plain.body() = "Service Unavailable\n";
  plain.prepare_payload();
  EXPECT_EQ(our_bytes(plain), beast_bytes(plain));

  Response custom{http::status::ok, 10};
  custom.reason("Fine Thanks");
  custom.set(http::field::set_cookie, "ROUTEID=.b1; path=/");
  EXPECT_EQ(our_bytes(custom), beast_bytes(custom));
  EXPECT_EQ(our_bytes(custom).substr(0, 26), "HTTP/1.0 200 Fine Thanks\r\n");

  Response unknown;
  unknown.result(599);
  EXPECT_EQ(our_bytes(unknown), beast_bytes(unknown));
}

// Writes `msg` through write_message_now and, as the socket cannot take it at once,
// async_write_rest (the socket takes a few MiB at once), while a peer reads: returns what
// the peer got.
template <class Message>
std::string written_in_two_steps(const Message& msg, std::size_t& sent_at_once) {
  namespace asio = boost::asio;
  asio::io_context ioc;
  asio::ip::tcp::acceptor acceptor(ioc, {asio::ip::make_address("127.0.0.1"), 0});
  TimedStream stream(ioc);
  stream.socket().connect(acceptor.local_endpoint());
  asio::ip::tcp::socket peer(ioc);
  acceptor.accept(peer);
  std::string scratch;
  boost::system::error_code ec;
  std::size_t sent = 0;
  const bool done = write_message_now(stream, msg, scratch, sent, ec);
  sent_at_once = sent;
  EXPECT_FALSE(done);
  EXPECT_FALSE(ec) << ec.message();
  std::optional<std::size_t> rest_written;
  asio::co_spawn(ioc, async_write_rest(stream, msg, scratch, sent, ec),
                 [&](std::exception_ptr, std::size_t n) { rest_written = n; });
  std::string got(beast_bytes(msg).size(), '\0');
  boost::system::error_code read_ec;
  asio::async_read(peer, asio::buffer(got),
                   [&](boost::system::error_code e, std::size_t) { read_ec = e; });
  ioc.run_for(std::chrono::seconds(10));
  EXPECT_EQ(rest_written, got.size() - sent);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_FALSE(read_ec) << read_ec.message();
  return got;
}

TEST(Wire, ABodyTheSocketCannotTakeAtOnceIsFinishedThroughTheEventLoop) {
  Response res{http::status::ok, 11};
  res.body() = std::string(64 * 1024 * 1024, 'b');  // more than the socket takes at once
  res.prepare_payload();
  std::size_t at_once = 0;
  EXPECT_TRUE(written_in_two_steps(res, at_once) == beast_bytes(res));
  EXPECT_LT(at_once, res.body().size());
}

TEST(Wire, AHeadTheSocketCannotTakeAtOnceIsFinishedThroughTheEventLoop) {
  Request req{http::verb::get, "/", 11};
  for (int k = 0; k < 512; ++k) req.insert("X-Large", std::string(32 * 1024, 'h'));  // 16 MiB
  req.body() = "tail";
  req.prepare_payload();
  std::size_t at_once = 0;
  EXPECT_TRUE(written_in_two_steps(req, at_once) == beast_bytes(req));
  EXPECT_LT(at_once, 16u * 1024 * 1024);  // the rest started inside the head
}

}  // namespace
}  // namespace sc::net
