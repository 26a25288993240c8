// allocate_loopback_ports keeps each port it hands out reserved: another process that binds
// without SO_REUSEADDR (a bind to port 0 among them) is refused it, while the child it is meant
// for, binding with SO_REUSEADDR as every server started here does, listens there. Without
// the reservation two test processes side by side were once handed the same port: httpd could
// not bind its own, and the test's requests reached the other test's backend.
#include "runner/ports.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace sc {
namespace {

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

// A socket that closes itself.
struct Socket {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ~Socket() { ::close(fd); }
  int bind(std::uint16_t port, bool reuse_address) {
    const int on = 1;
    if (reuse_address) ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    auto a = loopback(port);
    return ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 ? 0 : errno;
  }
};

TEST(LoopbackPorts, AHandedOutPortIsRefusedToABindWithoutReuseAddress) {
  const auto port = allocate_loopback_ports(1)->at(0);
  Socket other;
  EXPECT_EQ(other.bind(port, false), EADDRINUSE);
}

TEST(LoopbackPorts, AHandedOutPortIsRefusedToAConnectUntilItsChildListens) {
  const auto port = allocate_loopback_ports(1)->at(0);
  Socket client;
  auto a = loopback(port);
  EXPECT_NE(::connect(client.fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  EXPECT_EQ(errno, ECONNREFUSED);
  EXPECT_FALSE(port_accepts(port));
}

TEST(LoopbackPorts, TheChildBindingWithReuseAddressListensOnItsPort) {
  const auto ports = *allocate_loopback_ports(3);
  for (const auto port : ports) {
    Socket child;
    ASSERT_EQ(child.bind(port, true), 0) << port;
    ASSERT_EQ(::listen(child.fd, 4), 0) << port;
    EXPECT_TRUE(port_accepts(port)) << port;
  }
}

TEST(LoopbackPorts, PortsHandedOutTogetherAreDistinct) {
  auto ports = *allocate_loopback_ports(20);
  std::sort(ports.begin(), ports.end());
  EXPECT_EQ(std::adjacent_find(ports.begin(), ports.end()), ports.end());
}

}  // namespace
}  // namespace sc
