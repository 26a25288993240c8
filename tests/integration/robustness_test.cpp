// Malformed HTTP from clients and from backends: the right 4xx/5xx or a closed connection,
// never a crash, a hang, or a request smuggled to a backend.
#include <gtest/gtest.h>
#include <poll.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "harness.hpp"
#include "runner/ports.hpp"

namespace sc::test {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;
using asio::ip::tcp;

// A backend that answers every connection with a fixed script and records what it received.
class FakeBackend {
 public:
  explicit FakeBackend(std::string answer, bool hang = false)
      : answer_(std::move(answer)), hang_(hang),
        acceptor_(ioc_, {asio::ip::make_address("127.0.0.1"), 0}) {
    thread_ = std::thread([this] { loop(); });
  }
  ~FakeBackend() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    stopping_.notify_all();
    boost::system::error_code ec;
    tcp::socket poke(ioc_);
    poke.connect(acceptor_.local_endpoint(), ec);  // unblocks accept
    thread_.join();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::string received() {
    std::lock_guard<std::mutex> lock(mu_);
    return received_;
  }

 private:
  void loop() {
    while (!stop_) {
      boost::system::error_code ec;
      tcp::socket s(ioc_);
      acceptor_.accept(s, ec);
      if (ec || stop_) return;
      char buf[65536];
      std::size_t n = s.read_some(asio::buffer(buf), ec);
      {
        std::lock_guard<std::mutex> lock(mu_);
        received_.append(buf, ec ? 0 : n);
      }
      if (hang_) {  // holds the connection without a word until the test ends (or 3 s)
        std::unique_lock<std::mutex> lock(mu_);
        stopping_.wait_for(lock, 3s, [this] { return stop_.load(); });
        continue;
      }
      asio::write(s, asio::buffer(answer_), ec);
      s.shutdown(tcp::socket::shutdown_both, ec);
    }
  }
  std::string answer_;
  bool hang_;
  std::atomic<bool> stop_{false};
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable stopping_;
  std::string received_;
};

// Sends raw bytes and returns everything read until the peer closes or `timeout` passes.
std::string raw_exchange(std::uint16_t port, const std::string& bytes,
                         std::chrono::milliseconds timeout = 3s) {
  asio::io_context ioc;
  tcp::socket s(ioc);
  boost::system::error_code ec;
  s.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
  if (ec) return "connect failed";
  asio::write(s, asio::buffer(bytes), ec);
  struct timeval tv{static_cast<long>(timeout.count() / 1000),
                    static_cast<long>((timeout.count() % 1000) * 1000)};
  ::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string out;
  char buf[4096];
  while (true) {
    ssize_t n = ::recv(s.native_handle(), buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

// Waits up to `timeout` for the peer to close `s`; what it sends before is read and dropped.
bool closed_within(tcp::socket& s, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  pollfd p{s.native_handle(), POLLIN, 0};
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        end - std::chrono::steady_clock::now());
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[512];
    const ssize_t n = ::recv(p.fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) return true;
  }
}

std::string status_line(const std::string& response) {
  return response.substr(0, response.find("\r\n"));
}

struct RobustBalancer {
  std::uint16_t port = 0;
  std::unique_ptr<CliProcess> proc;
  RobustBalancer(std::uint16_t backend_port, std::vector<std::string> extra = {}) {
    port = (*allocate_loopback_ports(1))[0];
    std::vector<std::string> args = {"balancer", "--listen", "127.0.0.1:" + std::to_string(port),
                                     "--member", "http://127.0.0.1:" + std::to_string(backend_port)};
    args.insert(args.end(), extra.begin(), extra.end());
    proc = std::make_unique<CliProcess>(args);
    EXPECT_TRUE(wait_until([&] { return port_accepts(port); }, 10s));
  }
  bool alive() { return process_exists(proc->pid()); }
};

const std::string kClose = "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
const std::string kOk = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Stickycheck-Backend: fake\r\n\r\nok";

TEST(Robustness, MalformedRequestsAreRejectedAndNothingIsSmuggled) {
  FakeBackend backend(kOk);
  RobustBalancer b(backend.port());
  const std::string smuggle = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"GARBAGE\r\n\r\n", "HTTP/1.1 400 Bad Request"},
      {"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n",
       "HTTP/1.1 431 Request Header Fields Too Large"},
      {"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
       "0\r\n\r\n" + smuggle, "HTTP/1.1 400 Bad Request"},
      {"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n"
       "0\r\n\r\n" + smuggle, "HTTP/1.1 400 Bad Request"},
      {"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 40\r\n\r\nabcd" + smuggle,
       "HTTP/1.1 400 Bad Request"},
      {"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n" + smuggle,
       "HTTP/1.1 400 Bad Request"},
      {"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n" + smuggle,
       "HTTP/1.1 501 Not Implemented"},
      {"GET / HTTP/9.9\r\nHost: x\r\n\r\n", "HTTP/1.1 400 Bad Request"},
  };
  for (const auto& [request, expected] : cases)
    EXPECT_EQ(status_line(raw_exchange(b.port, request)), expected) << request.substr(0, 80);
  // A truncated body never reaches the backend: the client closes before it is complete.
  EXPECT_EQ(raw_exchange(b.port, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nshort",
                         500ms),
            "");
  EXPECT_EQ(backend.received().find("smuggled"), std::string::npos) << backend.received();
  EXPECT_EQ(backend.received().find("POST"), std::string::npos) << backend.received();
  EXPECT_TRUE(b.alive());
  EXPECT_EQ(status_line(raw_exchange(b.port, kClose)),
            "HTTP/1.1 200 OK");
}

TEST(Robustness, SlowClientIsCutOffWhileOthersAreServed) {
  FakeBackend backend(kOk);
  RobustBalancer b(backend.port(), {"--client-timeout", "500"});
  asio::io_context ioc;
  tcp::socket slow(ioc);
  slow.connect({asio::ip::make_address("127.0.0.1"), b.port});
  const auto start = std::chrono::steady_clock::now();
  const std::string request = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  asio::write(slow, asio::buffer(request.data(), 2));
  // While the slow client's request is under way, a normal client is served at once.
  EXPECT_EQ(status_line(raw_exchange(b.port, kClose)), "HTTP/1.1 200 OK");
  // Then one byte every 100 ms: each time it waits that long for the balancer to hang up.
  std::size_t sent = 2;
  bool cut_off = false;
  while (!cut_off && sent < request.size()) {
    boost::system::error_code ec;
    asio::write(slow, asio::buffer(&request[sent], 1), ec);
    if (!ec) ++sent;
    cut_off = ec || closed_within(slow, 100ms);
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(cut_off) << "the slow client was never cut off";
  EXPECT_LT(sent, request.size());
  EXPECT_LT(elapsed, 3s);
  EXPECT_TRUE(b.alive());
}

TEST(Robustness, BrokenBackendAnswersBecome502AndAHungOne504) {
  const std::vector<std::pair<std::string, std::string>> answers = {
      {"NOT HTTP AT ALL\r\n\r\n", "HTTP/1.1 502 Bad Gateway"},
      {"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\ntruncated", "HTTP/1.1 502 Bad Gateway"},
      {"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
       "HTTP/1.1 502 Bad Gateway"},
      {"HTTP/1.1 200 OK\r\nX-Big: " + std::string(100000, 'b') + "\r\n\r\n",
       "HTTP/1.1 502 Bad Gateway"},
  };
  for (const auto& [answer, expected] : answers) {
    FakeBackend backend(answer);
    RobustBalancer b(backend.port());
    EXPECT_EQ(status_line(raw_exchange(b.port, kClose)), expected) << answer.substr(0, 60);
    EXPECT_TRUE(b.alive());
  }
  FakeBackend hung("", /*hang=*/true);
  RobustBalancer b(hung.port(), {"--backend-timeout", "300"});
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(status_line(raw_exchange(b.port, kClose)), "HTTP/1.1 504 Gateway Timeout");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

}  // namespace
}  // namespace sc::test
