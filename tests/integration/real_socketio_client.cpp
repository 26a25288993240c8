#include "real_socketio_client.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "harness.hpp"

namespace sc::test {

ClientVerdict run_real_socketio_client(const std::string& url, const std::string& transports,
                                       int sessions, int events) {
  TestProcess node("/usr/bin/node", {source_path("tests/socketio/client.js"), url, transports,
                                     std::to_string(sessions), std::to_string(events),
                                     "/socket.io/", "0", "in-turn"});
  const auto r = node.wait(std::chrono::seconds(90));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  ClientVerdict v;
  v.out = r.out + r.err;
  const auto j = nlohmann::json::parse(r.out, nullptr, false);
  if (!j.is_object() || !j.contains("sessions")) {
    ADD_FAILURE() << "the real client printed no verdict: " << v.out;
    return v;
  }
  for (const auto& s : j["sessions"]) {
    ++v.sessions;
    const auto& acks = s["acks"];
    const bool one_node =
        acks.size() == static_cast<std::size_t>(events) &&
        std::all_of(acks.begin(), acks.end(), [&](const auto& a) { return a == acks[0]; });
    v.kept += s["connected"].get<bool>() && one_node && s["errors"].empty();
  }
  return v;
}

}  // namespace sc::test
