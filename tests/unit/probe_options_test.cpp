// `stickycheck probe`'s options read into the scenario they stand for, as the command line
// gives them; and the pause they set, spread as the driver draws it.
#include "cli/probe_options.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <random>

#include "driver/drive_common.hpp"
#include "runner/scenario_results.hpp"

namespace sc::cli {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

Result<Scenario> probe_from(std::vector<std::string> args) {
  CLI::App app;
  ProbeArgs a;
  add_probe_options(app.add_subcommand("probe"), a);
  args.insert(args.begin(), "probe");
  std::reverse(args.begin(), args.end());  // CLI11 takes a vector last argument first
  app.parse(args);
  return probe_scenario(a);
}

TEST(ProbeOptions, PauseBecomesTheTrafficPauseTheDriverIsGiven) {
  auto s = probe_from({"http://shop.example/", "--pause", "250ms"});
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->traffic.pause, milliseconds(250));
  EXPECT_EQ(driver_config_for(*s, s->target->url, -1).pause, milliseconds(250));
}

TEST(ProbeOptions, WithoutPauseSessionsDoNotPause) {
  auto s = probe_from({"http://shop.example/"});
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->traffic.pause, milliseconds(0));
}

TEST(ProbeOptions, BadPauseIsNamedByItsOption) {
  auto s = probe_from({"http://shop.example/", "--pause", "soon"});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message,
            "--pause: expected a duration such as 500ms or 5s (at most 1 hour), got 'soon'");
}

TEST(ProbeOptions, AlphaBecomesTheSpreadTestsLevel) {
  auto s = probe_from({"http://shop.example/", "--alpha", "0.001"});
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_DOUBLE_EQ(s->expect.alpha, 0.001);
  auto d = probe_from({"http://shop.example/"});
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_DOUBLE_EQ(d->expect.alpha, 0.01);
}

TEST(ProbeOptions, AlphaOutOfRangeIsNamedByItsOption) {
  auto s = probe_from({"http://shop.example/", "--alpha", "0.9"});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message, "--alpha: expected a number from 1e-12 to 0.5, got '0.9'");
}

TEST(ProbeOptions, SocketIoProtocolTakesTheAckEventAndTransports) {
  auto s = probe_from({"http://shop.example/", "--protocol", "socket.io", "--identify",
                       "ack:status:/node", "--transports", "polling", "--socketio-path", "/rt/"});
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->traffic.protocol, SessionProtocol::kSocketIo);
  EXPECT_TRUE(s->traffic.transports.polling);
  EXPECT_FALSE(s->traffic.transports.websocket);
  EXPECT_EQ(s->traffic.socketio_path, "/rt/");
  EXPECT_EQ(s->target->identify, std::vector<std::string>{"ack:status:/node"});
}

TEST(ProbeOptions, SocketIoWithoutAnAckEventIsRefusedNamingIdentify) {
  auto s = probe_from({"http://shop.example/", "--protocol", "socket.io"});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message,
            "--identify: expected ack:EVENT[:/POINTER] with protocol socket.io, then auto if the "
            "affinity cookie should name the backends: the event each request emits with an "
            "acknowledgement (e.g. ack:whoami)");
}

TEST(ProbeOptions, AckEventWithoutSocketIoIsRefused) {
  auto s = probe_from({"http://shop.example/", "--identify", "ack:whoami"});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message,
            "--identify: expected ack:EVENT only with protocol socket.io (an acknowledgement is a "
            "socket.io answer)");
}

TEST(ProbeOptions, SocketIoOverHttpsIsRefusedNamingTheUrl) {
  auto s = probe_from({"https://shop.example/", "--protocol", "socket.io", "--identify",
                       "ack:whoami"});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message,
            "URL: expected an http:// URL with protocol socket.io (its sessions are not driven "
            "over https yet)");
}

TEST(ProbeOptions, SocketIoWithLostWhenIsRefused) {
  auto s = probe_from({"http://shop.example/", "--protocol", "socket.io", "--identify",
                       "ack:whoami", "--lost-when", "regex:gone"});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message,
            "--lost-when: expected none with protocol socket.io: a lost session is engine.io's "
            "own answer to an unknown sid (HTTP 400, \"Session ID unknown\"), counted always");
}

// The cap counts what reaches the site over HTTP: per event a POST and a poll, per session 5.
TEST(ProbeOptions, SocketIoCapCountsThePostsAndPollsNotTheEvents) {
  auto s = probe_from({"http://shop.example/", "--protocol", "socket.io", "--identify",
                       "ack:whoami", "--sessions", "50", "--requests-per-session", "10",
                       "--max-requests", "1000"});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message,
            "--max-requests: the probe would send 1250 requests (50 sessions x (2 x 10 events + "
            "5): each event a POST and a poll, each session its handshake, connect, first poll, "
            "upgrade and close), more than the cap of 1000; lower the sessions or the requests "
            "per session, or raise the cap");
}

// --steps is read, then written into the probe's scenario: a quoted "123456" must stay a
// string there (yaml-cpp's emitter wrote it plain, and it came back a number).
TEST(ProbeOptions, StepsFileKeepsAQuotedNumberAString) {
  const std::string file = ::testing::TempDir() + "/steps-otp.yaml";
  std::ofstream(file) << "- post: /otp\n  json: {otp: \"123456\", keep: true}\n";
  auto s = probe_from({"http://shop.example/", "--steps", file});
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_EQ(s->traffic.steps.size(), 1u);
  EXPECT_EQ(s->traffic.steps[0].body, R"({"keep":true,"otp":"123456"})");
}

// What traffic.pause and --pause mean: each pause uniform in [0, 2 x pause], so that sessions
// that started together drift apart instead of meeting a round robin in step.
TEST(ProbeOptions, EachPauseIsDrawnFromZeroToTwiceTheMean) {
  std::mt19937 rng(1);
  const microseconds mean = milliseconds(250);
  microseconds low = mean * 2, high{0}, total{0};
  constexpr int kDraws = 4000;
  for (int i = 0; i < kDraws; ++i) {
    auto p = detail::draw_pause(mean, rng);
    low = std::min(low, p);
    high = std::max(high, p);
    total += p;
  }
  EXPECT_GE(low, microseconds(0));
  EXPECT_LT(low, mean / 10);
  EXPECT_LE(high, mean * 2);
  EXPECT_GT(high, mean * 19 / 10);
  EXPECT_NEAR(static_cast<double>((total / kDraws).count()), 250'000.0, 12'500.0);
}

}  // namespace
}  // namespace sc::cli
