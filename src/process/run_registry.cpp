#include "process/run_registry.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "process/proc_stat.hpp"
#include "util/text.hpp"

namespace sc {

namespace {

unsigned long long start_ticks_of(int pid) {
  auto st = read_proc_stat(pid);
  return st ? st->start_ticks : 0;
}

// A process is the one recorded when its pid now names a process started at the same tick.
bool same_process(int pid, unsigned long long start_ticks) {
  auto st = read_proc_stat(pid);
  return st && st->state != 'Z' && st->start_ticks == start_ticks;
}

struct RecordedGroup {
  int pgid = 0;
  unsigned long long start_ticks = 0;
  std::string name;
};

struct RecordedRun {
  int owner_pid = 0;
  unsigned long long owner_start = 0;
  std::vector<RecordedGroup> groups;
};

// "owner PID START", then "group PGID START NAME" and "gone PGID 0" lines; a torn last line
// is ignored.
std::optional<RecordedRun> parse_run_file(std::string_view text) {
  RecordedRun run;
  bool have_owner = false;
  for (auto line : split(text, '\n')) {
    auto f = split(line, ' ');
    long long a = 0, b = 0;
    if (f.size() < 3 || !parse_int(f[1], a) || !parse_int(f[2], b) || a <= 0) continue;
    if (f[0] == "owner") {
      run.owner_pid = static_cast<int>(a);
      run.owner_start = static_cast<unsigned long long>(b);
      have_owner = true;
    } else if (f[0] == "gone") {
      std::erase_if(run.groups, [&](const RecordedGroup& g) { return g.pgid == a; });
    } else if (f[0] == "group") {
      const auto name_at = f[0].size() + f[1].size() + f[2].size() + 3;
      run.groups.push_back({static_cast<int>(a), static_cast<unsigned long long>(b),
                            name_at < line.size() ? std::string(line.substr(name_at)) : ""});
    }
  }
  if (!have_owner) return std::nullopt;
  return run;
}

// SIGKILLs the members of `g` started no earlier than its leader (a group id is not reused
// while any member lives; a leader with another start time means it was).
std::vector<int> kill_group(const RecordedGroup& g) {
  std::vector<int> killed;
  auto leader = read_proc_stat(g.pgid);
  if (leader && leader->start_ticks != g.start_ticks) return killed;
  for (const auto& m : group_members(g.pgid)) {
    if (m.start_ticks < g.start_ticks) continue;
    if (::kill(m.pid, SIGKILL) == 0) killed.push_back(m.pid);
  }
  return killed;
}

void wait_gone(const std::vector<int>& pids, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (int pid : pids)
    while (std::chrono::steady_clock::now() < deadline) {
      auto st = read_proc_stat(pid);
      if (!st || st->state == 'Z') break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

}  // namespace

Result<std::string> state_directory() {
  const char* xdg = std::getenv("XDG_RUNTIME_DIR");
  const std::string dir = xdg && *xdg ? std::string(xdg) + "/stickycheck"
                                      : fmt::format("/tmp/stickycheck-{}", ::getuid());
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    return Error{fmt::format("cannot create the state directory {}: {}", dir, ::strerror(errno))};
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::getuid() ||
      (st.st_mode & 0077) != 0)
    return Error{fmt::format(
        "the state directory {} is not a directory of this user's that only it can use", dir)};
  return dir;
}

Result<std::unique_ptr<RunRegistry>> RunRegistry::create(const std::string& dir) {
  const std::string path = fmt::format("{}/run-{}.groups", dir, ::getpid());
  // Written under a name the reaper passes over, then renamed: it never sees a file without
  // its owner line (and takes it for a dead run's).
  const std::string tmp = fmt::format("{}/.run-{}.new", dir, ::getpid());
  ::unlink(tmp.c_str());
  const int fd =
      ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return Error{fmt::format("cannot create {}: {}", tmp, ::strerror(errno))};
  const std::string owner = fmt::format("owner {} {}\n", ::getpid(), start_ticks_of(::getpid()));
  if (::write(fd, owner.data(), owner.size()) != static_cast<ssize_t>(owner.size()) ||
      ::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = ::strerror(errno);
    ::close(fd);
    ::unlink(tmp.c_str());
    return Error{fmt::format("cannot write {}: {}", path, why)};
  }
  return std::unique_ptr<RunRegistry>(new RunRegistry(fd, path));
}

RunRegistry::~RunRegistry() {
  ::close(fd_);
  ::unlink(path_.c_str());
}

void RunRegistry::record(int pid, const std::string& name) {
  append(fmt::format("group {} {} {}", pid, start_ticks_of(pid), name));
}

void RunRegistry::forget(int pid) { append(fmt::format("gone {} 0", pid)); }

void RunRegistry::append(std::string line) {
  std::replace(line.begin(), line.end(), '\n', ' ');
  line += '\n';
  // One write on an O_APPEND file: a reader sees whole lines (or a torn last one it skips).
  [[maybe_unused]] auto n = ::write(fd_, line.data(), line.size());
}

std::vector<ReapedGroup> reap_leftovers(const std::string& dir) {
  std::vector<ReapedGroup> reaped;
  std::vector<int> killed;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string file = e.path().filename().string();
    if (!file.starts_with("run-") || !file.ends_with(".groups")) continue;
    auto run = parse_run_file(read_text_file(e.path().string()).value_or(""));
    if (run && same_process(run->owner_pid, run->owner_start)) continue;  // still running
    for (const auto& g : run ? run->groups : std::vector<RecordedGroup>{}) {
      auto pids = kill_group(g);
      if (!pids.empty()) reaped.push_back({g.name, g.pgid, run->owner_pid, pids.size()});
      killed.insert(killed.end(), pids.begin(), pids.end());
    }
    std::filesystem::remove(e.path(), ec);
  }
  wait_gone(killed, std::chrono::seconds(2));
  return reaped;
}

std::string describe(const ReapedGroup& g) {
  return fmt::format(
      "stopped {} process{} of {} (process group {}), left running by stickycheck pid {}, which "
      "was killed before it could stop them",
      g.processes, g.processes == 1 ? "" : "es", g.name, g.pgid, g.owner_pid);
}

namespace {

// A child whose group is forgotten by the registry once it is found empty.
class RegisteredChild : public ChildProcess {
 public:
  RegisteredChild(std::unique_ptr<ChildProcess> inner, RunRegistry& registry)
      : inner_(std::move(inner)), registry_(registry) {}
  ~RegisteredChild() override { group_alive(); }
  int pid() const override { return inner_->pid(); }
  std::optional<int> poll_exit() override { return inner_->poll_exit(); }
  void send_signal(int signal) override { inner_->send_signal(signal); }
  void signal_group(int signal) override { inner_->signal_group(signal); }
  bool group_alive() override {
    if (forgotten_) return false;
    if (inner_->group_alive()) return true;
    registry_.forget(inner_->pid());
    forgotten_ = true;
    return false;
  }

 private:
  std::unique_ptr<ChildProcess> inner_;
  RunRegistry& registry_;
  bool forgotten_ = false;
};

}  // namespace

Result<std::unique_ptr<ChildProcess>> RegisteringLauncher::launch(const ChildSpec& spec) {
  auto child = inner_.launch(spec);
  if (!child) return child;
  registry_.record((*child)->pid(), spec.name);
  return std::unique_ptr<ChildProcess>(new RegisteredChild(std::move(*child), registry_));
}

}  // namespace sc
