// Request bodies through the reference balancer: streamed to the member as they arrive, so a
// 100 MB upload passes with bounded memory, limited by LimitRequestBody as httpd does.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <cstdio>
#include <fstream>
#include <memory>
#include <thread>

#include "harness.hpp"
#include "net/body_stream.hpp"
#include "net/http_server.hpp"
#include "runner/ports.hpp"
#include "scripted_upstream.hpp"

namespace sc::test {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;

constexpr std::uint64_t kBigBody = 100ull * 1000 * 1000;
constexpr long long kMemoryBound = 64ll * 1024 * 1024;

// A member in this process that reads each request body as it arrives and answers with the
// number of bytes it got: it holds no body itself.
class CountingMember {
 public:
  CountingMember() {
    net::ServerOptions options;
    options.stream_bodies = true;
    options.body_limit = 0;
    server_ = std::make_unique<net::HttpServer>(
        ioc_,
        [](net::Request& req, net::Connection& conn) -> asio::awaitable<net::Response> {
          std::uint64_t count = 0;
          std::vector<char> piece(64 * 1024);
          boost::system::error_code ec;
          while (conn.body && !conn.body->done() && !ec)
            count += co_await conn.body->read_some(piece.data(), piece.size(), ec);
          co_return net::text_response(net::http::status::ok, req.version(),
                                       ec ? "error" : std::to_string(count));
        },
        options);
    EXPECT_TRUE(server_->listen({asio::ip::make_address("127.0.0.1"), 0}));
    server_->start();
    runner_ = std::thread([this] { ioc_.run(); });
  }
  ~CountingMember() {
    asio::post(ioc_, [this] {
      server_->stop();
      ioc_.stop();
    });
    runner_.join();
  }
  std::uint16_t port() const { return server_->local_endpoint().port(); }

 private:
  asio::io_context ioc_{1};
  std::unique_ptr<net::HttpServer> server_;
  std::thread runner_;
};

// VmHWM of process `pid`, in bytes; -1 when /proc does not say.
long long peak_memory(int pid) {
  const auto kib = status_field("/proc/" + std::to_string(pid) + "/status", "VmHWM");
  return kib.empty() ? -1 : std::stoll(kib) * 1024;
}

std::unique_ptr<CliProcess> start_balancer(std::uint16_t port, std::vector<std::string> args) {
  args.insert(args.begin(), "balancer");
  auto proc = std::make_unique<CliProcess>(args);
  EXPECT_TRUE(wait_until([&] { return port_accepts(port); }, 10s)) << proc->output_so_far();
  return proc;
}

std::unique_ptr<CliProcess> start_balancer(std::uint16_t port, std::uint16_t member) {
  return start_balancer(port, {"--listen", "127.0.0.1:" + std::to_string(port), "--member",
                               "http://127.0.0.1:" + std::to_string(member)});
}

std::string chunk(const std::string& data) {
  char size[20];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return size + data + "\r\n";
}

// Sends a kBigBody upload to `port` (chunked or with Content-Length), 1 MB at a time.
std::string upload(std::uint16_t port, bool chunked) {
  RawClient client(port);
  const std::string piece(1000 * 1000, 'u');
  client.send(chunked ? "POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                      : "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                            std::to_string(kBigBody) + "\r\n\r\n");
  for (std::uint64_t sent = 0; sent < kBigBody; sent += piece.size())
    client.send(chunked ? chunk(piece) : piece);
  if (chunked) client.send("0\r\n\r\n");
  return client.read_answer();
}


// Regression (issue 15.5): request bodies were read whole before forwarding, and refused (413)
// past 8 MiB.
TEST(BalancerBodies, LargeUploadWithContentLengthIsStreamedWithBoundedMemory) {
  CountingMember member;
  const auto port = (*allocate_loopback_ports(1))[0];
  auto balancer = start_balancer(port, member.port());
  const long long before = peak_memory(balancer->pid());
  ASSERT_GT(before, 0);
  const auto answer = upload(port, false);
  EXPECT_EQ(status_of(answer), "HTTP/1.1 200 OK");
  EXPECT_EQ(body_of(answer), std::to_string(kBigBody));
  EXPECT_LT(peak_memory(balancer->pid()) - before, kMemoryBound);
}

TEST(BalancerBodies, LargeChunkedUploadIsStreamedWithBoundedMemory) {
  CountingMember member;
  const auto port = (*allocate_loopback_ports(1))[0];
  auto balancer = start_balancer(port, member.port());
  const long long before = peak_memory(balancer->pid());
  ASSERT_GT(before, 0);
  const auto answer = upload(port, true);
  EXPECT_EQ(status_of(answer), "HTTP/1.1 200 OK");
  EXPECT_EQ(body_of(answer), std::to_string(kBigBody));
  EXPECT_LT(peak_memory(balancer->pid()) - before, kMemoryBound);
}

// The mock backend reads a large upload and drops it as it arrives.
TEST(BalancerBodies, MockBackendTakesALargeUploadWithBoundedMemory) {
  const auto port = (*allocate_loopback_ports(1))[0];
  CliProcess backend({"backend", "--name", "b1", "--listen", "127.0.0.1:" + std::to_string(port)});
  ASSERT_TRUE(wait_until([&] { return port_accepts(port); }, 10s)) << backend.output_so_far();
  const long long before = peak_memory(backend.pid());
  ASSERT_GT(before, 0);
  EXPECT_EQ(status_of(upload(port, false)), "HTTP/1.1 200 OK");
  EXPECT_LT(peak_memory(backend.pid()) - before, kMemoryBound);
}

// LimitRequestBody from the Apache configuration: a larger Content-Length is refused before
// anything reaches a member; a chunked body is cut off when it passes the limit.
TEST(BalancerBodies, BodiesPastLimitRequestBodyAre413) {
  ScriptedUpstream member([](const SeenRequest&, int, const ScriptedUpstream::Write& write) {
    write(http_answer("HTTP/1.1 200 OK", {}, "ok"));
  });
  const auto port = (*allocate_loopback_ports(1))[0];
  const auto conf = temp_path("limit-request-body.conf");
  {
    std::ofstream out(conf);
    out << "Listen 127.0.0.1:" << port << "\nLimitRequestBody 1000\n"
        << "<Proxy balancer://c>\nBalancerMember http://127.0.0.1:" << member.port()
        << "\n</Proxy>\nProxyPass / balancer://c/\n";
  }
  auto balancer = start_balancer(port, {"--apache-conf", conf});
  RawClient sized(port);
  sized.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\n\r\n");
  EXPECT_EQ(status_of(sized.read_answer()), "HTTP/1.1 413 Payload Too Large");
  RawClient within(port);
  within.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" +
              std::string(1000, 'a'));
  EXPECT_EQ(status_of(within.read_answer()), "HTTP/1.1 200 OK");
  RawClient chunked(port);
  chunked.send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
               chunk(std::string(600, 'b')) + chunk(std::string(600, 'c')));
  EXPECT_EQ(status_of(chunked.read_answer()), "HTTP/1.1 413 Payload Too Large");
  const auto seen = member.requests();
  ASSERT_EQ(seen.size(), 1u) << "only the body within the limit was answered by the member";
  EXPECT_EQ(seen[0].body.size(), 1000u);
}

}  // namespace
}  // namespace sc::test
