#pragma once
// A real-time connection of a driver session (a socket.io client, a plain WebSocket): opened,
// then asked `requests_per_session` times which backend answers (one record each), closed.
// After a failure the session opens a new one, as clients reconnect. Internal to the driver.
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

namespace sc::detail {

// Why a connection or one of its exchanges failed, as its record says it.
struct RealtimeFailure {
  int status = 0;       // the HTTP status of the answer that failed it; 0: no answer
  std::string error;    // what happened ("Session ID unknown", "the long-poll was cut: ...")
  std::string backend;  // the backend that answered, when it said (X-Stickycheck-Backend)
  bool lost = false;    // engine.io's "Session ID unknown": the session's loss
};

class RealtimeConnection {
 public:
  virtual ~RealtimeConnection() = default;
  // A failure when the connection could not be opened.
  virtual boost::asio::awaitable<std::optional<RealtimeFailure>> open() = 0;
  // A failure met while opening that the connection survived (a refused upgrade), once.
  virtual std::optional<RealtimeFailure> take_upgrade_failure() { return std::nullopt; }
  // Exchange `id` (an acknowledged event, an echoed message): the backend it named, or why
  // none came within the timeout.
  virtual boost::asio::awaitable<std::variant<std::string, RealtimeFailure>> ask(
      std::uint64_t id) = 0;
  // Ends it and waits until nothing of it runs.
  virtual boost::asio::awaitable<void> close() = 0;
};

}  // namespace sc::detail
