// async_read_drained on a loopback connection: what it reads, that a read after the socket was
// emptied waits for the next bytes, that a peer's end is never missed (the end arriving with
// the last bytes is the case a read that trusted a short read alone would wait on forever),
// and that it is cancelled as Asio's own read. Every wait is bounded (5 s) so that a missed
// edge fails the test instead of hanging it.
#include "net/drained_read.hpp"

#include <gtest/gtest.h>

#include <array>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <string>

namespace sc::net {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;

struct Pair {
  asio::io_context ioc;
  tcp::socket socket{ioc};  // read with async_read_drained
  tcp::socket peer{ioc};

  explicit Pair(bool inq = true) {
    tcp::acceptor acceptor(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    socket.connect(acceptor.local_endpoint());
    acceptor.accept(peer);
    if (inq) enable_drained_reads(socket);
  }
  void send(const std::string& bytes) { asio::write(peer, asio::buffer(bytes)); }
};

struct Read {
  bool done = false;
  boost::system::error_code ec;
  std::string bytes;
};

// Starts a read into `buf` whose outcome lands in `r`.
void start(Pair& p, std::array<char, 8>& buf, Read& r) {
  async_read_drained(p.socket, asio::buffer(buf),
                     [&r, &buf](boost::system::error_code ec, std::size_t n) {
                       r = Read{true, ec, std::string(buf.data(), n)};
                     });
}

// Runs handlers until the read ends, for at most 5 s. (A context that ran out of work
// stops; restart() lets it run again.)
void run_until_done(Pair& p, const Read& r) {
  p.ioc.restart();
  const auto give_up = std::chrono::steady_clock::now() + 5s;
  while (!r.done && p.ioc.run_one_until(give_up) > 0) {
  }
}

Read read_once(Pair& p, std::array<char, 8>& buf) {
  Read r;
  start(p, buf, r);
  run_until_done(p, r);
  return r;
}

TEST(DrainedRead, PeerThatClosesRightAfterItsBytesIsReadToItsEnd) {
  for (bool inq : {true, false}) {
    Pair p(inq);
    std::array<char, 8> buf{};
    Read first;
    start(p, buf, first);
    p.ioc.restart();
    p.ioc.poll();  // the read waits for the socket: nothing was sent yet
    ASSERT_FALSE(first.done);
    // The bytes and the end arrive together: one edge, which the waiting read takes.
    p.send("hello");
    p.peer.close();
    run_until_done(p, first);
    ASSERT_TRUE(first.done) << "inq " << inq;
    EXPECT_EQ(first.bytes, "hello");
    const Read second = read_once(p, buf);
    ASSERT_TRUE(second.done) << "the peer's end was missed (inq " << inq << ")";
    EXPECT_EQ(second.ec, asio::error::eof);
  }
}

TEST(DrainedRead, ReadAfterTheSocketWasEmptiedCompletesWhenTheNextBytesCome) {
  Pair p;
  p.send("a");
  std::array<char, 8> buf{};
  EXPECT_EQ(read_once(p, buf).bytes, "a");
  Read r;
  start(p, buf, r);
  p.ioc.restart();
  p.ioc.poll();
  EXPECT_FALSE(r.done) << "nothing was sent, yet the read ended: " << r.ec.message();
  p.send("b");
  run_until_done(p, r);
  ASSERT_TRUE(r.done);
  EXPECT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.bytes, "b");
}

TEST(DrainedRead, BytesBeyondTheBufferAreReadByTheNextRead) {
  Pair p;
  p.send("0123456789abcdef");
  std::array<char, 8> buf{};
  EXPECT_EQ(read_once(p, buf).bytes, "01234567");
  const Read rest = read_once(p, buf);
  ASSERT_TRUE(rest.done) << "the bytes left after a full read were never read";
  EXPECT_EQ(rest.bytes, "89abcdef");
}

TEST(DrainedRead, PendingReadIsCancelledByTheSocketAndByItsSlot) {
  Pair p;
  std::array<char, 8> buf{};
  Read by_socket;
  start(p, buf, by_socket);
  p.ioc.restart();
  p.ioc.poll();
  p.socket.cancel();
  run_until_done(p, by_socket);
  ASSERT_TRUE(by_socket.done);
  EXPECT_EQ(by_socket.ec, asio::error::operation_aborted);

  asio::cancellation_signal signal;
  Read by_slot;
  async_read_drained(p.socket, asio::buffer(buf),
                     asio::bind_cancellation_slot(
                         signal.slot(), [&by_slot](boost::system::error_code ec, std::size_t) {
                           by_slot = Read{true, ec, {}};
                         }));
  p.ioc.restart();
  p.ioc.poll();
  EXPECT_FALSE(by_slot.done);
  signal.emit(asio::cancellation_type::terminal);
  run_until_done(p, by_slot);
  ASSERT_TRUE(by_slot.done);
  EXPECT_EQ(by_slot.ec, asio::error::operation_aborted);
}

}  // namespace
}  // namespace sc::net
