// Out of file descriptors: when accept fails with EMFILE, the backend and the balancer pause
// instead of spinning at full CPU, keep serving the connections they have, and accept again
// once descriptors are free. Each runs under `prlimit --nofile` with a low limit.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <filesystem>
#include <sstream>
#include <thread>

#include "harness.hpp"
#include "runner/ports.hpp"

namespace sc::test {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;

constexpr int kDescriptorLimit = 40;
const char* kPrlimit = "/usr/bin/prlimit";

// CPU time (user + system, in clock ticks) the process has used so far.
long long cpu_ticks(int pid) {
  const std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string field;
  long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {  // fields 14 and 15 of proc(5)
    if (i == 14) utime = std::stoll(field);
    if (i == 15) stime = std::stoll(field);
  }
  return utime + stime;
}

std::size_t open_descriptors(int pid) {
  std::error_code ec;
  std::size_t n = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
    ++n;
  return n;
}

// One keep-alive exchange on an open connection; the status, 0 when none came back.
int exchange(tcp::socket& s, std::uint16_t port) {
  http::request<http::empty_body> req{http::verb::get, "/", 11};
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  boost::system::error_code ec;
  http::write(s, req, ec);
  boost::beast::flat_buffer buf;
  http::response<http::string_body> res;
  if (!ec) http::read(s, buf, res, ec);
  return ec ? 0 : static_cast<int>(res.result_int());
}

// Runs `args` of stickycheck with the low descriptor limit, serving on `port`, and checks the
// three behaviours while it is out of descriptors and after.
void exhaust_and_recover(std::vector<std::string> args, std::uint16_t port) {
  if (!std::filesystem::exists(kPrlimit)) GTEST_FAIL() << "prlimit (util-linux) is missing";
  args.insert(args.begin(), {"--nofile=" + std::to_string(kDescriptorLimit), stickycheck_bin()});
  TestProcess server(kPrlimit, args);
  ASSERT_TRUE(wait_until([&] { return port_accepts(port); }, 10s)) << server.output_so_far();

  asio::io_context ioc;
  const tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port);
  tcp::socket kept(ioc);
  kept.connect(ep);
  ASSERT_EQ(exchange(kept, port), 200);  // the balancer now holds a pooled member connection
  std::vector<tcp::socket> flood;
  for (int i = 0; i < kDescriptorLimit + 10; ++i) flood.emplace_back(ioc).connect(ep);
  ASSERT_TRUE(wait_until([&] { return open_descriptors(server.pid()) >= kDescriptorLimit; }, 10s))
      << "the server never ran out of descriptors: " << open_descriptors(server.pid());

  // A measurement window, not a wait for a condition: a spinning accept loop burns a core.
  const long long before = cpu_ticks(server.pid());
  std::this_thread::sleep_for(2s);
  const long long used = cpu_ticks(server.pid()) - before;
  EXPECT_LT(used, 10) << "CPU ticks used in 2 s while out of descriptors";

  EXPECT_EQ(exchange(kept, port), 200) << "an open connection is no longer served";
  flood.clear();  // closing them frees the server's descriptors
  EXPECT_TRUE(wait_until([&] { return http_get(port, "/").status == 200; }, 10s))
      << "no new connection is served after descriptors were freed";
  EXPECT_NE(server.output_so_far().find("cannot accept connections: Too many open files"),
            std::string::npos)
      << server.output_so_far();
}

TEST(DescriptorLimit, BackendPausesAcceptingAndRecovers) {
  auto port = allocate_loopback_ports(1)->at(0);
  exhaust_and_recover(
      {"backend", "--name", "www1", "--listen", "127.0.0.1:" + std::to_string(port)}, port);
}

TEST(DescriptorLimit, BalancerPausesAcceptingAndRecovers) {
  auto ports = *allocate_loopback_ports(2);
  CliProcess backend(
      {"backend", "--name", "www1", "--listen", "127.0.0.1:" + std::to_string(ports[0])});
  ASSERT_TRUE(wait_until([&] { return port_accepts(ports[0]); }, 10s));
  exhaust_and_recover({"balancer", "--listen", "127.0.0.1:" + std::to_string(ports[1]), "--member",
                       "http://127.0.0.1:" + std::to_string(ports[0]) + " route=www1"},
                      ports[1]);
}

}  // namespace
}  // namespace sc::test
