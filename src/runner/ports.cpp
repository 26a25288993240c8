#include "runner/ports.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <deque>
#include <mutex>

namespace sc {

namespace {

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

constexpr std::size_t kMaxReserved = 256;

// The sockets that keep the ports handed out reserved (see the header); the oldest go first.
class Reservations {
 public:
  void keep(int fd) {
    std::lock_guard lock(mutex_);
    fds_.push_back(fd);
    for (; fds_.size() > kMaxReserved; fds_.pop_front()) ::close(fds_.front());
  }

 private:
  std::mutex mutex_;
  std::deque<int> fds_;
};

Reservations& reservations() {
  static Reservations r;  // its descriptors close when the process ends
  return r;
}

}  // namespace

Result<std::vector<std::uint16_t>> allocate_loopback_ports(std::size_t count) {
  std::vector<int> fds;
  std::vector<std::uint16_t> ports;
  std::string failure;
  for (std::size_t i = 0; i < count && failure.empty(); ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      failure = ::strerror(errno);
      break;
    }
    fds.push_back(fd);
    auto a = loopback(0);
    socklen_t len = sizeof a;
    const int on = 1;
    if (::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
        ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      failure = ::strerror(errno);
      break;
    }
    ports.push_back(ntohs(a.sin_port));
  }
  if (!failure.empty()) {
    for (int fd : fds) ::close(fd);
    return Error{fmt::format("cannot reserve a loopback port: {}", failure)};
  }
  for (int fd : fds) reservations().keep(fd);
  return ports;
}

bool port_accepts(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  auto a = loopback(port);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

}  // namespace sc
