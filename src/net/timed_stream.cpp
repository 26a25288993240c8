#include "net/timed_stream.hpp"

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
