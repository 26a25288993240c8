#pragma once
// One plain WebSocket of a driver session (traffic.protocol: websocket): a connection to the
// echo path, each exchange a message sent and its echo read back, which names the backend
// (`{"backend": NAME, "echo": MESSAGE}`, as the mock backend answers). An echo of anything but
// the message sent is a failure: no client's bytes may reach another. Internal to the driver.
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "driver/cookie_jar.hpp"
#include "driver/lean_target.hpp"
#include "driver/realtime_connection.hpp"
#include "driver/response_capture.hpp"
#include "driver/ws_link.hpp"

namespace sc::detail {

class WebSocketEchoConnection final : public RealtimeConnection {
 public:
  // `session`: the session's number, in every message (what an echo must bring back).
  WebSocketEchoConnection(boost::asio::io_context& ioc, const LeanTarget& target,
                          std::string_view path, std::uint32_t session,
                          std::chrono::milliseconds timeout, CookieJar* jar,
                          std::optional<boost::asio::ip::address> source,
                          const ResponseReader& observer,
                          std::function<void(const ResponseView&)> observe);

  boost::asio::awaitable<std::optional<RealtimeFailure>> open() override;
  boost::asio::awaitable<std::variant<std::string, RealtimeFailure>> ask(std::uint64_t id) override;
  boost::asio::awaitable<void> close() override;

 private:
  CookieOrigin origin() const { return {target_.host, path_, target_.secure_context}; }

  const LeanTarget& target_;
  const std::string path_;
  const std::uint32_t session_;
  const std::chrono::milliseconds timeout_;
  CookieJar* jar_;
  std::optional<boost::asio::ip::address> source_;
  std::function<void(const ResponseView&)> observe_;
  ResponseCapture capture_;
  WsLink ws_;
  std::string sent_;
};

// The backend an echo names, when it is the echo of `sent`; empty otherwise. Pure.
std::optional<std::string> echo_backend(std::string_view echo, std::string_view sent);

}  // namespace sc::detail
