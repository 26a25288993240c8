#pragma once
// One socket.io connection of a driver session, as the socket.io client keeps it with its
// `transports` option: over engine.io 4's HTTP long-polling (the handshake, a poll always
// outstanding, the client's packets sent in POSTs; two keep-alive connections of the lean
// client), upgraded to a WebSocket when both sides allow it (`2probe`/`3probe`, the polls
// drained, then `5`), or over a WebSocket alone. Then the socket.io connect, pings answered,
// and events emitted with an acknowledgement id, whose acknowledgement names the backend.
// Every connection shares the session's cookie jar. Internal to the driver.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "driver/cookie_jar.hpp"
#include "driver/driver.hpp"
#include "driver/lean_connection.hpp"
#include "driver/lean_target.hpp"
#include "driver/realtime_connection.hpp"
#include "driver/response_capture.hpp"
#include "driver/ws_link.hpp"
#include "realtime/engineio_codec.hpp"

namespace sc::detail {

class SocketIoConnection final : public RealtimeConnection {
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

  // The handshake, the upgrade when the transports allow it, and the socket.io connect; a
  // failure when the handshake or the connect fails.
  boost::asio::awaitable<std::optional<RealtimeFailure>> open() override;
  // Why the upgrade to WebSocket failed, once (the connection stays on long-polling, as the
  // client does); none when it succeeded or was not tried.
  std::optional<RealtimeFailure> take_upgrade_failure() override {
    return std::exchange(upgrade_failure_, {});
  }
  // Emits the event with acknowledgement id `id` and waits (at most the timeout) for its
  // acknowledgement: the backend's name, or why none came.
  boost::asio::awaitable<std::variant<std::string, RealtimeFailure>> ask(std::uint64_t id) override;
  // Ends the poll and the sends and waits until nothing of this connection runs.
  boost::asio::awaitable<void> close() override;

 private:
  std::string request(std::string_view method, std::string_view body);
  std::string websocket_target() const;
  boost::asio::awaitable<std::optional<RealtimeFailure>> open_polling();
  boost::asio::awaitable<std::optional<RealtimeFailure>> open_websocket();
  std::optional<RealtimeFailure> take_handshake(std::string_view body);
  boost::asio::awaitable<std::optional<RealtimeFailure>> await_connect();
  boost::asio::awaitable<void> upgrade();
  boost::asio::awaitable<std::optional<RealtimeFailure>> probe();
  void take_packet(const eio::Packet& p);
  CookieOrigin origin() const;
  void fail(RealtimeFailure f);
  RealtimeFailure failure_of(const Exchange& x, const ResponseCapture& capture,
                        std::string_view what) const;
  RealtimeFailure poll_failure(const Exchange& x, std::chrono::steady_clock::duration held) const;
  void take_payload(std::string_view body);
  void take_socketio(std::string_view text);
  void send_packet(std::string packet);
  boost::asio::awaitable<void> poll_loop();
  boost::asio::awaitable<void> send_loop();
  boost::asio::awaitable<void> websocket_loop();
  void spawn(boost::asio::awaitable<void> loop);
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
  std::optional<WsLink> ws_;
  ResponseCapture poll_capture_, send_capture_, ws_capture_;
  std::chrono::milliseconds ping_window_{45000};  // ping interval + ping timeout
  std::deque<std::string> outbox_;
  std::optional<std::uint64_t> awaiting_;  // the acknowledgement id ask() waits for
  std::optional<std::string> ack_;         // ...and what it named, once it came
  std::optional<RealtimeFailure> failure_;
  std::optional<RealtimeFailure> upgrade_failure_;
  boost::asio::steady_timer event_;   // wakes the session's own wait (ack, connect, close)
  boost::asio::steady_timer sender_;  // wakes the send loop
  std::string scratch_;
  unsigned requests_ = 0;  // the t= cache buster, as the client's
  int running_ = 0;        // coroutines of this connection still running
  bool connected_ = false, closing_ = false, sending_ = false;
  bool polling_ = false;   // the poll loop runs
  bool pausing_ = false;   // the upgrade drains the polling transport: no new poll or POST
  bool upgraded_ = false;  // packets go over the WebSocket
  bool upgrade_offered_ = false;  // the handshake lists "websocket" among its upgrades
};

}  // namespace sc::detail
