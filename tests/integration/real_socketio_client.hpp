#pragma once
// npm's socket.io-client 4.8 (tests/socketio/client.js on nodejs) as a judge of a set-up: its
// sessions connect one after another (so a round robin's turns cannot line up with them by
// chance), each emits "whoami" with an acknowledgement a few times, and the verdict says how
// many kept every acknowledgement on one node without an error.
#include <string>

namespace sc::test {

struct ClientVerdict {
  int sessions = 0;  // sessions the client reported
  int kept = 0;      // of those: connected, every acknowledgement from one node, no error
  std::string out;   // the client's output, for a failure message
};

// `transports`: "polling", "websocket" or "polling,websocket" (the client's option).
ClientVerdict run_real_socketio_client(const std::string& url, const std::string& transports,
                                       int sessions = 10, int events = 5);

}  // namespace sc::test
