#include "process/child_process.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>

#include "process/boost_process_v2.hpp"

namespace sc {

namespace bp = boost::process::v2;

namespace {

// Runs in the child between fork and exec (on_exec_setup).
struct ChildSetup {
  pid_t parent = ::getpid();
  const char* const* env = nullptr;  // replaces the inherited environment when set
  // Runs in the parent before the fork. (Boost 1.81's process_environment needs the compiled
  // Boost.Process sources; the launcher's env pointer is all it sets.)
  bp::error_code on_setup(bp::posix::default_launcher& launcher, const bp::filesystem::path&,
                          const char* const*) {
    if (env) launcher.env = env;
    return {};
  }
  bp::error_code on_exec_setup(bp::posix::default_launcher&, const bp::filesystem::path&,
                               const char* const*) {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent died before prctl took effect
    return {};
  }
};

// This process's environment with `overrides` ("NAME=value") replacing or adding entries.
std::vector<std::string> merged_environment(const std::vector<std::string>& overrides) {
  std::vector<std::string> env;
  auto name_of = [](std::string_view kv) { return kv.substr(0, kv.find('=')); };
  for (char** e = ::environ; e && *e; ++e) {
    std::string_view kv(*e);
    bool replaced = false;
    for (const auto& o : overrides) replaced = replaced || name_of(o) == name_of(kv);
    if (!replaced) env.emplace_back(kv);
  }
  env.insert(env.end(), overrides.begin(), overrides.end());
  return env;
}

class BoostChild : public ChildProcess {
 public:
  explicit BoostChild(bp::process p) : proc_(std::move(p)) {}
  int pid() const override { return proc_.id(); }
  std::optional<int> poll_exit() override {
    if (exited_) return status_;
    bp::error_code ec;
    if (proc_.running(ec) || ec) return std::nullopt;
    exited_ = true;
    status_ = proc_.native_exit_code();
    return status_;
  }
  void send_signal(int signal) override {
    if (!exited_) ::kill(proc_.id(), signal);
  }

 private:
  bp::process proc_;
  bool exited_ = false;
  int status_ = 0;
};

class BoostLauncher : public ProcessLauncher {
 public:
  Result<std::unique_ptr<ChildProcess>> launch(const ChildSpec& spec) override {
    int fd = ::open(spec.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0)
      return Error{fmt::format("{}: cannot open log file {}: {}", spec.name, spec.log_path,
                               ::strerror(errno))};
    bp::error_code ec;
    const auto env = merged_environment(spec.env);
    std::vector<const char*> env_ptrs;
    for (const auto& kv : env) env_ptrs.push_back(kv.c_str());
    env_ptrs.push_back(nullptr);
    ChildSetup setup;
    if (!spec.env.empty()) setup.env = env_ptrs.data();
    bp::process proc =
        bp::default_process_launcher()(ioc_, ec, bp::filesystem::path(spec.exe), spec.args,
                                       bp::process_stdio{nullptr, fd, fd}, setup);
    ::close(fd);
    if (ec) return Error{fmt::format("{}: cannot start {}: {}", spec.name, spec.exe, ec.message())};
    return std::unique_ptr<ChildProcess>(new BoostChild(std::move(proc)));
  }

 private:
  boost::asio::io_context ioc_;
};

}  // namespace

std::unique_ptr<ProcessLauncher> make_process_launcher() {
  return std::make_unique<BoostLauncher>();
}

std::string describe_wait_status(int status) {
  if (WIFEXITED(status)) return fmt::format("exited with status {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status))
    return fmt::format("was killed by signal {} ({})", WTERMSIG(status), ::strsignal(WTERMSIG(status)));
  return fmt::format("ended with wait status {}", status);
}

}  // namespace sc
