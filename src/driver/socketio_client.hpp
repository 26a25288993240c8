#pragma once
// One socket.io connection of a driver session over engine.io 4's HTTP long-polling, as the
// socket.io client keeps it: the handshake, the socket.io connect, a poll always outstanding
// (answering pings), the client's packets sent in POSTs, and events emitted with an
// acknowledgement id, whose acknowledgement names the backend. On two keep-alive connections
// of the lean client (one for the poll, one for sends), sharing the session's cookie jar.
// Internal to the driver.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <variant>

#include "driver/cookie_jar.hpp"
#include "driver/driver.hpp"
#include "driver/lean_connection.hpp"
#include "driver/lean_target.hpp"
#include "driver/response_capture.hpp"

namespace sc::detail {

// Why a connection or an event failed, as its record says it.
struct EioFailure {
  int status = 0;       // the HTTP status of the answer that failed it; 0: no answer
  std::string error;    // what happened ("Session ID unknown", "the long-poll was cut: ...")
  std::string backend;  // the backend that answered, when it said (X-Stickycheck-Backend)
  bool lost = false;    // engine.io's "Session ID unknown": the session's loss
};

class SocketIoConnection {
 public:
  // `observer`: what the run keeps of every HTTP answer (the cookies it set, for the report),
  // called with each; its header and body wishes are kept beside the connection's own.
  SocketIoConnection(boost::asio::io_context& ioc, const LeanTarget& target,
                     const RealtimeConfig& realtime, std::chrono::milliseconds timeout,
                     CookieJar* jar, std::optional<boost::asio::ip::address> source,
                     const ResponseReader& observer,
                     std::function<void(const ResponseView&)> observe);
  SocketIoConnection(const SocketIoConnection&) = delete;
  SocketIoConnection& operator=(const SocketIoConnection&) = delete;

  // The handshake and the socket.io connect; a failure when either fails.
  boost::asio::awaitable<std::optional<EioFailure>> open();
  // Emits the event with acknowledgement id `id` and waits (at most the timeout) for its
  // acknowledgement: the backend's name, or why none came.
  boost::asio::awaitable<std::variant<std::string, EioFailure>> emit(std::uint64_t id);
  // Ends the poll and the sends and waits until nothing of this connection runs.
  boost::asio::awaitable<void> close();

 private:
  std::string request(std::string_view method, std::string_view body);
  CookieOrigin origin() const;
  void fail(EioFailure f);
  EioFailure failure_of(const Exchange& x, const ResponseCapture& capture,
                        std::string_view what) const;
  void take_payload(std::string_view body);
  void take_socketio(std::string_view text);
  void send_packet(std::string packet);
  boost::asio::awaitable<void> poll_loop();
  boost::asio::awaitable<void> send_loop();
  boost::asio::awaitable<void> watch(LeanConnection& c);
  boost::asio::awaitable<bool> wait_for(std::chrono::steady_clock::time_point deadline);
  void notify() { event_.cancel(); }

  // The answers' header and body wishes: the connection's own and the observer's.
  class Wishes final : public ResponseReader {
   public:
    explicit Wishes(const ResponseReader& observer) : observer_(observer) {}
    bool wants_header(std::string_view lower_name) const override;
    std::size_t body_limit() const override;
    void read(const ResponseView&, ResponseFacts&) override {}

   private:
    const ResponseReader& observer_;
  };

  boost::asio::io_context& ioc_;
  Wishes wishes_;
  std::function<void(const ResponseView&)> observe_;
  const LeanTarget& target_;
  const RealtimeConfig& realtime_;
  const std::chrono::milliseconds timeout_;
  CookieJar* jar_;
  std::optional<boost::asio::ip::address> source_;  // where its connections leave from
  std::string path_;                                // target prefix + engine.io path
  std::string sid_;
  std::optional<LeanConnection> poll_, send_;
  ResponseCapture poll_capture_, send_capture_;
  std::deque<std::string> outbox_;
  std::optional<std::uint64_t> awaiting_;  // the acknowledgement id emit() waits for
  std::optional<std::string> ack_;         // ...and what it named, once it came
  std::optional<EioFailure> failure_;
  boost::asio::steady_timer event_;   // wakes the session's own wait (ack, connect, close)
  boost::asio::steady_timer sender_;  // wakes the send loop
  std::string scratch_;
  unsigned requests_ = 0;  // the t= cache buster, as the client's
  int running_ = 0;        // coroutines of this connection still running
  bool connected_ = false, closing_ = false, sending_ = false;
};

}  // namespace sc::detail
