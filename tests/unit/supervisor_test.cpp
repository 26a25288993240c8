// The supervisor's life-cycle logic against a fake launcher: no real processes.
#include "runner/supervisor.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

namespace sc {
namespace {

struct FakeState {
  std::vector<std::pair<int, int>> signals;  // pid, signal
  std::vector<int> alive;
  bool ignores_sigterm = false;
  std::vector<int> lingering;  // leaders whose group (workers, a shell's child) outlives them
  std::vector<std::pair<int, int>> group_signals;  // leader pid, signal
};

class FakeChild : public ChildProcess {
 public:
  FakeChild(FakeState& s, int pid) : s_(s), pid_(pid) { s_.alive.push_back(pid); }
  int pid() const override { return pid_; }
  std::optional<int> poll_exit() override {
    if (std::find(s_.alive.begin(), s_.alive.end(), pid_) != s_.alive.end()) return std::nullopt;
    return status_;
  }
  void signal_group(int sig) override {
    s_.group_signals.push_back({pid_, sig});
    if (sig == SIGKILL || (sig == SIGTERM && !s_.ignores_sigterm)) std::erase(s_.lingering, pid_);
    send_signal(sig);
  }
  bool group_alive() override {
    return !poll_exit() ||
           std::find(s_.lingering.begin(), s_.lingering.end(), pid_) != s_.lingering.end();
  }
  void send_signal(int sig) override {
    s_.signals.push_back({pid_, sig});
    if (sig == SIGKILL || (sig == SIGTERM && !s_.ignores_sigterm)) {
      std::erase(s_.alive, pid_);
      status_ = sig == SIGKILL ? SIGKILL : 0;  // wait statuses: killed by 9, or exit 0
    }
  }
  int status_ = 0;

 private:
  FakeState& s_;
  int pid_;
};

class FakeLauncher : public ProcessLauncher {
 public:
  explicit FakeLauncher(FakeState& s) : s_(s) {}
  Result<std::unique_ptr<ChildProcess>> launch(const ChildSpec& spec) override {
    if (spec.exe == "missing") return Error{spec.name + ": cannot start missing"};
    return std::unique_ptr<ChildProcess>(new FakeChild(s_, next_pid_++));
  }
  FakeChild* last = nullptr;

 private:
  FakeState& s_;
  int next_pid_ = 100;
};

ChildSpec spec(const std::string& name, const std::string& exe = "x") {
  return ChildSpec{name, exe, {}, "/dev/null"};
}

TEST(Supervisor, StopsChildrenWithSigtermFirst) {
  FakeState state;
  FakeLauncher launcher(state);
  int sleeps = 0;
  Supervisor sup(launcher, [&](auto) { ++sleeps; });
  ASSERT_TRUE(sup.start(spec("backend a")).ok());
  ASSERT_TRUE(sup.start(spec("backend b")).ok());
  sup.stop_all();
  EXPECT_TRUE(state.alive.empty());
  // SIGTERM to each, and SIGCONT in case it was stopped; never SIGKILL.
  EXPECT_EQ(state.signals, (std::vector<std::pair<int, int>>{
                               {100, SIGTERM}, {100, SIGCONT}, {101, SIGTERM}, {101, SIGCONT}}));
  EXPECT_EQ(sleeps, 0);
}

TEST(Supervisor, KillsAChildThatIgnoresSigtermAfterTheGracePeriod) {
  FakeState state;
  state.ignores_sigterm = true;
  FakeLauncher launcher(state);
  std::chrono::milliseconds slept{0};
  Supervisor sup(launcher, [&](auto d) { slept += d; });
  ASSERT_TRUE(sup.start(spec("proxy")).ok());
  sup.stop_all(std::chrono::milliseconds(200));
  EXPECT_TRUE(state.alive.empty());
  ASSERT_FALSE(state.signals.empty());
  EXPECT_EQ(state.signals.back(), (std::pair{100, SIGKILL}));
  EXPECT_EQ(slept, std::chrono::milliseconds(200));
}

TEST(Supervisor, DestructorTearsDown) {
  FakeState state;
  FakeLauncher launcher(state);
  {
    Supervisor sup(launcher, [](auto) {});
    ASSERT_TRUE(sup.start(spec("backend a")).ok());
  }
  EXPECT_TRUE(state.alive.empty());
}

TEST(Supervisor, ReportsAnEarlyExitByName) {
  FakeState state;
  FakeLauncher launcher(state);
  Supervisor sup(launcher, [](auto) {});
  ASSERT_TRUE(sup.start(spec("backend a")).ok());
  ASSERT_TRUE(sup.start(spec("backend b")).ok());
  EXPECT_EQ(sup.check_exited(), std::nullopt);
  std::erase(state.alive, 101);  // b dies on its own, wait status "exit 3"
  EXPECT_EQ(sup.check_exited(), "backend b exited with status 0");
  EXPECT_FALSE(sup.is_running("backend b"));
  EXPECT_TRUE(sup.is_running("backend a"));
}

TEST(Supervisor, KilledOnPurposeIsNotAFailureAndRestartStartsItAgain) {
  FakeState state;
  FakeLauncher launcher(state);
  Supervisor sup(launcher, [](auto) {});
  ASSERT_TRUE(sup.start(spec("backend a")).ok());
  ASSERT_TRUE(sup.start(spec("backend b")).ok());
  ASSERT_TRUE(sup.kill("backend a").ok());
  EXPECT_EQ(state.alive, (std::vector<int>{101}));  // reaped before kill() returned
  EXPECT_EQ(sup.check_exited(), std::nullopt);
  EXPECT_EQ(sup.kill("backend a").error().message, "backend a is not running");
  ASSERT_TRUE(sup.restart("backend b").ok());
  EXPECT_EQ(state.alive, (std::vector<int>{102}));  // b's successor
  EXPECT_TRUE(sup.is_running("backend b"));
  EXPECT_EQ(sup.check_exited(), std::nullopt);
  EXPECT_EQ(sup.signal("backend b", SIGSTOP).ok(), true);
  ASSERT_FALSE(state.signals.empty());
  EXPECT_EQ(state.signals.back(), (std::pair{102, SIGSTOP}));
  sup.stop_all();
  EXPECT_TRUE(state.alive.empty());
}

TEST(Supervisor, TeardownStopsTheGroupOfALeaderThatAlreadyExited) {
  FakeState state;
  FakeLauncher launcher(state);
  Supervisor sup(launcher, [](auto) {});
  ASSERT_TRUE(sup.start(spec("proxy")).ok());
  state.lingering.push_back(100);
  std::erase(state.alive, 100);  // `sh -c` returned; its child runs on in the group
  sup.stop_all();
  EXPECT_TRUE(state.lingering.empty());
  EXPECT_EQ(state.group_signals,
            (std::vector<std::pair<int, int>>{{100, SIGTERM}, {100, SIGCONT}}));
}

TEST(Supervisor, KillTakesTheWholeGroup) {
  FakeState state;
  FakeLauncher launcher(state);
  Supervisor sup(launcher, [](auto) {});
  ASSERT_TRUE(sup.start(spec("proxy")).ok());
  state.lingering.push_back(100);
  ASSERT_TRUE(sup.kill("proxy").ok());
  EXPECT_TRUE(state.lingering.empty());
  EXPECT_EQ(state.group_signals,
            (std::vector<std::pair<int, int>>{{100, SIGKILL}, {100, SIGCONT}}));
}

TEST(Supervisor, LaunchFailureIsAnErrorValue) {
  FakeState state;
  FakeLauncher launcher(state);
  Supervisor sup(launcher, [](auto) {});
  auto st = sup.start(spec("backend a", "missing"));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "backend a: cannot start missing");
}

TEST(DescribeWaitStatus, ExitAndSignal) {
  EXPECT_EQ(describe_wait_status(3 << 8), "exited with status 3");
  EXPECT_EQ(describe_wait_status(SIGKILL), "was killed by signal 9 (Killed)");
}

}  // namespace
}  // namespace sc
