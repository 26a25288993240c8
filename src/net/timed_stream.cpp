#include "net/timed_stream.hpp"

#include <sys/socket.h>
#include <sys/uio.h>

#include <array>
#include <cerrno>

namespace sc::net {

namespace asio = boost::asio;

TimedStream::State::State(socket_type s) : socket(std::move(s)), timer(socket.get_executor()) {}

TimedStream::TimedStream(asio::io_context& ioc)
    : state_(std::make_shared<State>(socket_type(ioc.get_executor()))) {}

TimedStream::TimedStream(socket_type socket)
    : state_(std::make_shared<State>(std::move(socket))) {}

TimedStream::~TimedStream() {
  if (!state_) return;  // moved from
  boost::system::error_code ec;
  state_->socket.close(ec);
  state_->stopped = true;
  state_->timer.cancel();
}

void TimedStream::expires_after(clock::duration d) {
  State& s = *state_;
  s.deadline = clock::now() + d;
  // A later deadline waits for the watchdog to wake at the earlier one; only an earlier one
  // moves its timer (which cancels its wait: the watchdog then re-arms).
  if (!s.armed) {
    s.timer.expires_at(s.deadline);
    watch(state_);
  } else if (s.deadline < s.timer.expiry()) {
    s.timer.expires_at(s.deadline);
  }
}

void TimedStream::expires_never() { state_->deadline = clock::time_point::max(); }

std::size_t TimedStream::write_now(std::span<const asio::const_buffer> buffers,
                                   boost::system::error_code& ec) {
  ec = {};
  if (state_->timed_out) {
    ec = boost::beast::error::timeout;
    return 0;
  }
  constexpr std::size_t kMaxPieces = 4;  // the messages written here have two
  std::array<iovec, kMaxPieces> pieces{};
  std::size_t count = 0;
  for (const auto& b : buffers) {
    if (b.size() == 0) continue;
    if (count == kMaxPieces) break;  // the rest goes through the event loop
    pieces[count++] = iovec{const_cast<void*>(b.data()), b.size()};
  }
  if (count == 0) return 0;
  msghdr msg{};
  msg.msg_iov = pieces.data();
  msg.msg_iovlen = count;
  while (true) {
    const ssize_t n = ::sendmsg(state_->socket.native_handle(), &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK)
      ec = boost::system::error_code(errno, boost::system::system_category());
    return 0;
  }
}

void TimedStream::watch(const std::shared_ptr<State>& state) {
  state->armed = true;
  state->timer.async_wait([s = state](boost::system::error_code) {
    s->armed = false;
    if (s->stopped || s->timed_out || s->deadline == clock::time_point::max()) return;
    if (s->deadline <= clock::now()) {
      s->timed_out = true;  // before the close, so the aborted operations read it
      boost::system::error_code ignored;
      s->socket.close(ignored);
      return;
    }
    s->timer.expires_at(s->deadline);
    watch(s);
  });
}

}  // namespace sc::net
