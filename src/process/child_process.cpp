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
#include "process/proc_stat.hpp"

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

// This process's environment with `overrides` applied: "NAME=value" replaces or adds an
// entry, a bare "NAME" removes it.
std::vector<std::string> merged_environment(const std::vector<std::string>& overrides) {
  std::vector<std::string> env;
  auto name_of = [](std::string_view kv) { return kv.substr(0, kv.find('=')); };
  for (char** e = ::environ; e && *e; ++e) {
    std::string_view kv(*e);
    bool replaced = false;
    for (const auto& o : overrides) replaced = replaced || name_of(o) == name_of(kv);
    if (!replaced) env.emplace_back(kv);
  }
  for (const auto& o : overrides)
    if (o.find('=') != std::string::npos) env.push_back(o);
  return env;
}

// An output file opened for appending; closed when it goes out of scope (after the fork).
class OutputFile {
 public:
  OutputFile() = default;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  Status open(const ChildSpec& spec, const std::string& path) {
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd_ < 0)
      return Error{
          fmt::format("{}: cannot open log file {}: {}", spec.name, path, ::strerror(errno))};
    return ok_status();
  }
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
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
  // The group outlives its leader when the leader started children of its own, so this
  // is sent even after the leader was reaped (its pid is not reused while the group lives).
  void signal_group(int signal) override { ::kill(-proc_.id(), signal); }
  bool group_alive() override { return !poll_exit() || !group_members(proc_.id()).empty(); }

 private:
  bp::process proc_;
  bool exited_ = false;
  int status_ = 0;
};

class BoostLauncher : public ProcessLauncher {
 public:
  Result<std::unique_ptr<ChildProcess>> launch(const ChildSpec& spec) override {
    OutputFile out, err;
    if (auto st = out.open(spec, spec.stdout_path.empty() ? spec.log_path : spec.stdout_path);
        !st.ok())
      return st.error();
    if (auto st = err.open(spec, spec.stderr_path.empty() ? spec.log_path : spec.stderr_path);
        !st.ok())
      return st.error();
    const auto env = merged_environment(spec.env);
    std::vector<const char*> env_ptrs;
    for (const auto& kv : env) env_ptrs.push_back(kv.c_str());
    env_ptrs.push_back(nullptr);
    ChildSetup setup;
    if (!spec.env.empty()) setup.env = env_ptrs.data();
    bp::error_code ec;
    // The executor, not the io_context: Boost 1.81's (context, ec, ...) overload drops `ec`
    // and throws when the program cannot be started.
    bp::process proc = bp::default_process_launcher()(
        ioc_.get_executor(), ec, bp::filesystem::path(spec.exe), spec.args,
        bp::process_stdio{nullptr, out.fd(), err.fd()}, setup);
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
