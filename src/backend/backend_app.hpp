#pragma once
// The mock PHP application: its own session store, cookies like PHP's, identity stamps.
// A pure function of (request, store, time) to response; the transport is elsewhere.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "backend/backend_options.hpp"
#include "backend/session_store.hpp"
#include "net/http_types.hpp"

namespace sc {

// PHP's default session id: 26 characters of [0-9a-v] (5 bits per character).
std::string generate_php_session_id(const std::function<unsigned()>& random);

// The longest session id a client may bring (PHP's own limit, session.sid_length <= 256);
// a longer one is never stored, so no client can make the store hold large keys.
inline constexpr std::size_t kMaxSessionIdLength = 256;

class BackendApp {
 public:
  using Clock = SessionStore::Clock;

  // `log`: where the backend says what it refused (one line, no newline); may be empty.
  BackendApp(BackendOptions options, std::function<unsigned()> random,
             std::function<void(std::string_view)> log = {});

  net::Response handle(const net::Request& req) { return handle(req, Clock::now()); }
  net::Response handle(const net::Request& req, Clock::time_point now);
  std::size_t session_count() const { return store_.size(); }
  const BackendOptions& options() const { return options_; }

  // What happened to the session a request carried (or did not).
  struct SessionUse {
    std::string id;
    long long hits = 1;
    bool is_new = false, lost = false, expired = false, send_id = false;
    bool refused = false;  // a new session, and the store is full of live ones
  };

 private:
  std::string new_session_id();
  SessionUse use_session(const std::optional<std::string>& carried, Clock::time_point now);
  void note_refusal(bool refused);

  BackendOptions options_;
  std::function<unsigned()> random_;
  std::function<void(std::string_view)> log_;
  SessionStore store_;
  long long refused_in_a_row_ = 0;  // logged when refusing starts and when it ends
};

}  // namespace sc
