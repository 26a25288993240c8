#pragma once
// The mock PHP application: its own session store, cookies like PHP's, identity stamps.
// A pure function of (request, store) to response; the transport is elsewhere.
#include <functional>
#include <string>
#include <unordered_map>

#include "backend/backend_options.hpp"
#include "net/http_types.hpp"

namespace sc {

// PHP's default session id: 26 characters of [0-9a-v] (5 bits per character).
std::string generate_php_session_id(const std::function<unsigned()>& random);

class BackendApp {
 public:
  BackendApp(BackendOptions options, std::function<unsigned()> random);

  net::Response handle(const net::Request& req);
  std::size_t session_count() const { return sessions_.size(); }
  const BackendOptions& options() const { return options_; }

 private:
  std::string new_session_id();

  BackendOptions options_;
  std::function<unsigned()> random_;
  std::unordered_map<std::string, long long> sessions_;  // session id -> hits
};

}  // namespace sc
