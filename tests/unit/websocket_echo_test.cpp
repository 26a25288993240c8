// The plain WebSocket session's reading of an echo: the backend it names, only when the echo
// is the very message the session sent (no other client's bytes).
#include <gtest/gtest.h>

#include "driver/websocket_echo_client.hpp"

namespace sc::detail {
namespace {

TEST(WebSocketEcho, TheEchoOfTheMessageSentNamesItsBackend) {
  EXPECT_EQ(echo_backend(R"({"backend":"www2","echo":"hello"})", "hello"), "www2");
}

TEST(WebSocketEcho, AnotherMessagesEchoNamesNothing) {
  EXPECT_EQ(echo_backend(R"({"backend":"www2","echo":"someone else's"})", "hello"), std::nullopt);
}

TEST(WebSocketEcho, AnAnswerThatIsNotAnEchoNamesNothing) {
  EXPECT_EQ(echo_backend("hello", "hello"), std::nullopt);
  EXPECT_EQ(echo_backend(R"({"echo":"hello"})", "hello"), std::nullopt);
  EXPECT_EQ(echo_backend(R"({"backend":7,"echo":"hello"})", "hello"), std::nullopt);
  EXPECT_EQ(echo_backend(R"(["www2","hello"])", "hello"), std::nullopt);
}

}  // namespace
}  // namespace sc::detail
