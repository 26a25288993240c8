#include "cli/output_lock.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>

#include "util/text.hpp"

namespace sc::cli {

OutputLocks::~OutputLocks() {
  for (int fd : fds_) ::close(fd);  // closing releases the lock
}

Status OutputLocks::lock(const std::string& option, const std::string& path,
                         const std::string& lock_dir) {
  if (path.empty()) return ok_status();
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto absolute = fs::weakly_canonical(fs::absolute(path, ec), ec).string();
  fs::create_directories(lock_dir, ec);
  const auto file = fmt::format("{}/report-{:016x}.lock", lock_dir,
                                std::hash<std::string>{}(absolute));
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)  // no lock can be taken: the run goes on, as it did before locks
    return ok_status();
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    char holder[32] = {};
    const auto n = ::pread(fd, holder, sizeof holder - 1, 0);
    ::close(fd);
    return Error{fmt::format("{}: {} is being written by another stickycheck run{}; give this "
                             "run a report of its own ({} PATH)",
                             option, path,
                             n > 0 ? fmt::format(" (pid {})", trim(std::string_view(holder, n)))
                                   : std::string(),
                             option)};
  }
  const auto pid = std::to_string(::getpid());
  if (::ftruncate(fd, 0) == 0) (void)!::pwrite(fd, pid.data(), pid.size(), 0);
  fds_.push_back(fd);
  return ok_status();
}

}  // namespace sc::cli
