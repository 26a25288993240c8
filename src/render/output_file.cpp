#include "render/output_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <string.h>
#include <unistd.h>

#include <filesystem>
#include <random>

namespace sc {

namespace {

namespace fs = std::filesystem;

// An open temporary file next to its target; removed unless kept.
class TempFile {
 public:
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  // path.XXXXXXXX.tmp, a name no one else holds.
  static Result<std::unique_ptr<TempFile>> create(const std::string& target) {
    std::random_device rd;
    for (int attempt = 0; attempt < 16; ++attempt) {
      std::string path = fmt::format("{}.{:08x}.tmp", target, rd());
      const int fd =
          ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
      if (fd >= 0) return std::unique_ptr<TempFile>(new TempFile(fd, std::move(path)));
      if (errno != EEXIST)
        return Error{fmt::format("cannot create a file next to {}: {}", target, ::strerror(errno))};
    }
    return Error{fmt::format("cannot create a file next to {}: every name tried exists", target)};
  }
  Status write_all(std::string_view text) {
    while (!text.empty()) {
      const auto n = ::write(fd_, text.data(), text.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return Error{fmt::format("cannot write {}: {}", path_, ::strerror(errno))};
      text.remove_prefix(static_cast<std::size_t>(n));
    }
    if (::close(std::exchange(fd_, -1)) != 0)
      return Error{fmt::format("cannot write {}: {}", path_, ::strerror(errno))};
    return ok_status();
  }
  Status rename_to(const std::string& target) {
    if (::rename(path_.c_str(), target.c_str()) != 0)
      return Error{fmt::format("cannot write {}: {}", target, ::strerror(errno))};
    path_.clear();  // it is the target now
    return ok_status();
  }

 private:
  TempFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_;
  std::string path_;
};

}  // namespace

Status check_output_path(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return Error{fmt::format("{} is a directory", path)};
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty() && !fs::is_directory(parent, ec))
    return Error{fmt::format("cannot write {}: there is no directory {}", path, parent.string())};
  auto probe = TempFile::create(path);  // removed at once: only whether it can be done matters
  if (!probe) return probe.error();
  return ok_status();
}

Status write_file_atomically(const std::string& path, std::string_view text) {
  std::error_code ec;
  if (fs::is_directory(path, ec))
    return Error{fmt::format("cannot write {}: it is a directory", path)};
  auto tmp = TempFile::create(path);
  if (!tmp) return tmp.error();
  if (auto st = (*tmp)->write_all(text); !st) return st;
  return (*tmp)->rename_to(path);
}

}  // namespace sc
