#pragma once
// A TCP stream with a deadline, for Beast's HTTP reads and Asio's writes: once the deadline
// set by expires_after() has passed, the socket is closed and every operation on it fails
// with beast::error::timeout, as with beast::tcp_stream.
//
// Why not beast::tcp_stream: it arms a timer for every read and write and cancels it when
// the operation ends, two timer-queue updates and one more handler run per operation, about
// 5% of the reference balancer's CPU per proxied request. Here expires_after() only stores a
// time; one watchdog timer per connection wakes at most once per deadline it outlives, and
// re-arms for the deadline then current. The socket's executor is the io_context's own, not
// the type-erased any_io_executor that Beast's composed operations would copy per step.
#include <boost/asio/associator.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>
#include <chrono>
#include <memory>
#include <span>
#include <utility>

namespace sc::net {

class TimedStream {
  struct State;

 public:
  using executor_type = boost::asio::io_context::executor_type;
  using socket_type = boost::asio::basic_stream_socket<boost::asio::ip::tcp, executor_type>;
  using clock = std::chrono::steady_clock;

  explicit TimedStream(boost::asio::io_context& ioc);
  explicit TimedStream(socket_type socket);
  TimedStream(TimedStream&&) noexcept = default;
  TimedStream& operator=(TimedStream&&) = delete;
  ~TimedStream();  // closes the socket and stops the watchdog

  executor_type get_executor() const noexcept { return state_->socket.get_executor(); }
  socket_type& socket() noexcept { return state_->socket; }

  // Operations started from now on fail with beast::error::timeout unless done within `d`
  // (counted from now, not from each operation's start, as with beast::tcp_stream).
  void expires_after(clock::duration d);
  void expires_never();
  bool timed_out() const noexcept { return state_->timed_out; }

  // Sends what the socket takes at once, without waiting and without the event loop: a
  // small message usually goes whole, and then no operation, no handler run and no
  // coroutine resumption follow. A full socket is not an error (0 bytes sent). Past the
  // deadline, fails with beast::error::timeout like the operations.
  std::size_t write_now(std::span<const boost::asio::const_buffer> buffers,
                        boost::system::error_code& ec);

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return initiate<void(boost::system::error_code, std::size_t)>(
        std::forward<Token>(token), [buffers](socket_type& s, auto handler) {
          s.async_read_some(buffers, std::move(handler));
        });
  }

  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return initiate<void(boost::system::error_code, std::size_t)>(
        std::forward<Token>(token), [buffers](socket_type& s, auto handler) {
          s.async_write_some(buffers, std::move(handler));
        });
  }

  template <class Token>
  auto async_connect(const boost::asio::ip::tcp::endpoint& ep, Token&& token) {
    return initiate<void(boost::system::error_code)>(
        std::forward<Token>(token),
        [ep](socket_type& s, auto handler) { s.async_connect(ep, std::move(handler)); });
  }

  // The completion handler of an operation, with the watchdog's closing reported as a timeout.
  template <class Handler>
  struct Translated {
    Handler handler;
    std::shared_ptr<State> state;
    template <class... Args>
    void operator()(boost::system::error_code ec, Args&&... args) {
      if (ec && state->timed_out) ec = boost::beast::error::timeout;
      std::move(handler)(ec, std::forward<Args>(args)...);
    }
  };

 private:
  // Shared with the watchdog's pending wait, which may outlive the stream by one handler run.
  struct State {
    explicit State(socket_type s);
    socket_type socket;
    boost::asio::basic_waitable_timer<clock, boost::asio::wait_traits<clock>, executor_type> timer;
    clock::time_point deadline = clock::time_point::max();
    bool armed = false;  // a wait is pending on `timer`
    bool timed_out = false;
    bool stopped = false;  // the stream is gone: the watchdog ends
  };
  static void watch(const std::shared_ptr<State>& s);

  // Starts an operation on the socket, `start(socket, handler)`, with the token's completion
  // handler wrapped in Translated: the one place the three operations above go through.
  template <class Signature, class Token, class Start>
  auto initiate(Token&& token, Start start) {
    return boost::asio::async_initiate<Token, Signature>(
        [](auto handler, const std::shared_ptr<State>& s, Start start) {
          start(s->socket, Translated<decltype(handler)>{std::move(handler), s});
        },
        token, state_, std::move(start));
  }

  std::shared_ptr<State> state_;
};

}  // namespace sc::net

// The wrapped handler keeps the original's executor, allocator and cancellation slot, so that
// a coroutine's operation completes on its own executor and can be cancelled as before.
template <template <class, class> class Associator, class Handler, class DefaultCandidate>
struct boost::asio::associator<Associator, sc::net::TimedStream::Translated<Handler>,
                               DefaultCandidate> : Associator<Handler, DefaultCandidate> {
  static typename Associator<Handler, DefaultCandidate>::type get(
      const sc::net::TimedStream::Translated<Handler>& h) noexcept {
    return Associator<Handler, DefaultCandidate>::get(h.handler);
  }
  static auto get(const sc::net::TimedStream::Translated<Handler>& h,
                  const DefaultCandidate& c) noexcept {
    return Associator<Handler, DefaultCandidate>::get(h.handler, c);
  }
};
