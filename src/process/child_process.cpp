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

// Runs in the child between fork and exec.
struct ChildSetup {
  pid_t parent = ::getpid();
  bp::error_code on_exec_setup(bp::posix::default_launcher&, const bp::filesystem::path&,
                               const char* const*) {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent died before prctl took effect
    return {};
  }
};

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
    bp::process proc = bp::default_process_launcher()(
        ioc_, ec, bp::filesystem::path(spec.exe), spec.args, bp::process_stdio{nullptr, fd, fd},
        ChildSetup{});
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
