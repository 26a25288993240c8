#pragma once
// One request that shows whether the probe can see a lost session at all: the probed page
// asked for with a made-up session id of the shape the application issued. An application
// that answers it with a new id shows losses; one that adopts it (PHP without
// session.use_strict_mode) does not, and zero losses then prove nothing. Asked only when it
// can decide something: a session cookie was sent back, no loss was seen, and no --lost-when
// signal was named.
#include <string>

#include "driver/http_client.hpp"
#include "identify/loss_signal.hpp"

namespace sc {

struct LossCanary {
  identify::LossSignal signal = identify::LossSignal::untested;
  std::string cookie;  // the session cookie's name
  std::string sent;    // the made-up value
  std::string said;    // what was tried and what it showed, one sentence for the report
};

struct LossCanaryRequest {
  std::string url;           // the probed page
  ClientOptions client;      // the probe's own (headers, TLS, name pinning, timeout)
  std::string user_cookies;  // --cookie, sent beside the made-up id (that name replaced)
  std::string cookie;        // the session cookie's name
  std::string example;       // a value the application issued, for the shape
};

// Makes the request (one, on a fresh connection, no redirect followed) and reads its answer.
LossCanary try_loss_canary(const LossCanaryRequest& request);

// The sentence for a canary not asked: `why` says why ("the request cap ... left no room").
LossCanary untried_canary(const std::string& cookie, const std::string& why);

}  // namespace sc
