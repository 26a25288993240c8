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

// The login flow's paths (contract::kLoginPath, kLogoutPath, kAccountPath and under it).
bool is_login_path(std::string_view path);
// The longest user name a login keeps (longer ones are refused, 401).
inline constexpr std::size_t kMaxUserName = 128;
// The largest login form read (a POST to the login path); larger ones are answered 413.
inline constexpr std::size_t kMaxLoginForm = 16 * 1024;

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
  // What the login flow answers: an HTML page instead of the JSON body; or in the JSON body,
  // a refusal ("bad csrf token", with its 401/403) or the logged-in user.
  struct LoginAnswer {
    std::string html, refusal, user;
  };
  std::string new_session_id();
  std::string new_csrf_token();
  LoginAnswer login_flow(const net::Request& req, std::string_view path, SessionUse& u,
                         net::Response& res, Clock::time_point now);
  void log_in(const net::Request& req, SessionUse& u, net::Response& res, Clock::time_point now,
              LoginAnswer& out);
  SessionUse use_session(const std::optional<std::string>& carried, Clock::time_point now);
  void note_refusal(bool refused);

  BackendOptions options_;
  std::function<unsigned()> random_;
  std::function<void(std::string_view)> log_;
  SessionStore store_;
  long long refused_in_a_row_ = 0;  // logged when refusing starts and when it ends
};

}  // namespace sc
