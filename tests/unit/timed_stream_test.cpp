// TimedStream's deadline on a loopback connection: what times out, what a moved deadline
// does, and that a stream leaves no timer behind. Short deadlines (20 ms) against events
// three times later keep the outcomes apart without sleeping.
#include "net/timed_stream.hpp"

#include <gtest/gtest.h>

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <optional>
#include <string>

namespace sc::net {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;

// A connected pair: `stream` under test, `peer` the plain socket at the other end.
struct Pair {
  asio::io_context ioc;
  std::optional<TimedStream> stream;
  tcp::socket peer{ioc};
  std::array<char, 8> read_buf{};  // for read_until_done: lives as long as the stream

  Pair() {
    tcp::acceptor acceptor(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    stream.emplace(ioc);
    stream->socket().connect(acceptor.local_endpoint());
    acceptor.accept(peer);
  }
};

struct ReadResult {
  bool done = false;
  boost::system::error_code ec;
  std::size_t bytes = 0;
};

void start_read(Pair& p, std::array<char, 8>& buf, ReadResult& r) {
  p.stream->async_read_some(asio::buffer(buf), [&r](boost::system::error_code ec, std::size_t n) {
    r = ReadResult{true, ec, n};
  });
}

// Runs handlers until the read ends, for at most 10 s (far beyond any deadline that ends it).
void run_until_done(Pair& p, const ReadResult& r) {
  const auto give_up = std::chrono::steady_clock::now() + 10s;
  while (!r.done && p.ioc.run_one_until(give_up) > 0) {
  }
}

// Starts a read into p.read_buf and runs it until it ends, the peer writing nothing: only
// the stream's deadline (or 10 s) ends it.
ReadResult read_until_done(Pair& p) {
  ReadResult r;
  start_read(p, p.read_buf, r);
  run_until_done(p, r);
  return r;
}

// The peer writes one byte after `delay`.
void peer_writes_after(Pair& p, asio::steady_timer& timer, std::chrono::milliseconds delay) {
  timer.expires_after(delay);
  timer.async_wait([&p](boost::system::error_code) { asio::write(p.peer, asio::buffer("x", 1)); });
}

TEST(TimedStream, ReadFailsWithTimeoutOnceTheDeadlinePasses) {
  Pair p;
  p.stream->expires_after(20ms);
  const ReadResult r = read_until_done(p);
  ASSERT_TRUE(r.done);
  EXPECT_EQ(r.ec, boost::beast::error::timeout);
  EXPECT_TRUE(p.stream->timed_out());
}

TEST(TimedStream, ALaterDeadlineSetInTimeKeepsTheReadGoing) {
  Pair p;
  std::array<char, 8> buf{};
  ReadResult r;
  asio::steady_timer later(p.ioc);
  p.stream->expires_after(20ms);
  p.stream->expires_after(1h);  // the watchdog wakes at 20 ms and waits again
  start_read(p, buf, r);
  peer_writes_after(p, later, 60ms);
  run_until_done(p, r);
  ASSERT_TRUE(r.done);
  EXPECT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.bytes, 1u);
  EXPECT_FALSE(p.stream->timed_out());
}

TEST(TimedStream, AnEarlierDeadlineReplacesALaterOne) {
  Pair p;
  p.stream->expires_after(1h);
  p.stream->expires_after(20ms);
  const ReadResult r = read_until_done(p);  // long before the hour: only 20 ms can end it
  ASSERT_TRUE(r.done);
  EXPECT_EQ(r.ec, boost::beast::error::timeout);
}

TEST(TimedStream, ExpiresNeverLetsTheStreamIdlePastTheOldDeadline) {
  Pair p;
  std::array<char, 8> buf{};
  ReadResult r;
  asio::steady_timer later(p.ioc);
  p.stream->expires_after(20ms);
  p.stream->expires_never();
  start_read(p, buf, r);
  peer_writes_after(p, later, 60ms);
  run_until_done(p, r);
  ASSERT_TRUE(r.done);
  EXPECT_FALSE(r.ec) << r.ec.message();
  EXPECT_FALSE(p.stream->timed_out());
}

TEST(TimedStream, ADestroyedStreamLeavesNoTimerRunning) {
  Pair p;
  p.stream->expires_after(1h);
  p.stream.reset();
  p.ioc.run_for(10s);  // returns at once when no work is left; an hour's wait would hold it
  EXPECT_TRUE(p.ioc.stopped());
}

TEST(TimedStream, ADestroyedStreamClosesItsConnection) {
  Pair p;
  p.stream.reset();
  std::array<char, 8> buf{};
  boost::system::error_code ec;
  p.peer.read_some(asio::buffer(buf), ec);
  EXPECT_EQ(ec, asio::error::eof);
}

TEST(TimedStream, WriteNowSendsASmallMessageWholeWithoutTheEventLoop) {
  Pair p;
  const std::string head = "HTTP/1.1 200 OK\r\n\r\n";
  const std::string body = "b2\n";
  const std::array<asio::const_buffer, 2> pieces{asio::buffer(head), asio::buffer(body)};
  boost::system::error_code ec;
  EXPECT_EQ(p.stream->write_now(pieces, ec), head.size() + body.size());
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(p.ioc.poll(), 0u);  // nothing was queued
  std::string got(head.size() + body.size(), '\0');
  asio::read(p.peer, asio::buffer(got));
  EXPECT_EQ(got, head + body);
}

TEST(TimedStream, WriteNowOnAFullSocketSendsWhatFitsAndNoError) {
  Pair p;
  const std::string big(64 * 1024 * 1024, 'x');  // more than both socket buffers hold
  const std::array<asio::const_buffer, 1> piece{asio::buffer(big)};
  boost::system::error_code ec;
  const std::size_t first = p.stream->write_now(piece, ec);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_GT(first, 0u);
  EXPECT_LT(first, big.size());
  const std::array<asio::const_buffer, 1> rest{
      asio::buffer(big.data() + first, big.size() - first)};
  EXPECT_EQ(p.stream->write_now(rest, ec), 0u);  // the peer has read nothing: still full
  EXPECT_FALSE(ec) << ec.message();
}

TEST(TimedStream, WriteNowFailsWithTimeoutOnceTheStreamTimedOut) {
  Pair p;
  p.stream->expires_after(20ms);
  ASSERT_TRUE(read_until_done(p).done);
  ASSERT_TRUE(p.stream->timed_out());
  const std::array<asio::const_buffer, 1> piece{asio::buffer("x", 1)};
  boost::system::error_code ec;
  EXPECT_EQ(p.stream->write_now(piece, ec), 0u);
  EXPECT_EQ(ec, boost::beast::error::timeout);
}

TEST(TimedStream, WriteNowToAClosedPeerIsAnError) {
  Pair p;
  p.peer.set_option(asio::socket_base::linger(true, 0));  // the close resets the connection
  p.peer.close();
  const std::array<asio::const_buffer, 1> piece{asio::buffer("x", 1)};
  boost::system::error_code ec;
  for (int k = 0; k < 2 && !ec; ++k) p.stream->write_now(piece, ec);  // the reset may show late
  EXPECT_TRUE(ec == asio::error::connection_reset || ec == asio::error::broken_pipe)
      << ec.message();
}

}  // namespace
}  // namespace sc::net
