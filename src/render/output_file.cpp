#include "render/output_file.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>

namespace sc {

Status write_file_atomically(const std::string& path, std::string_view text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (!out) return Error{fmt::format("cannot write {}", tmp)};
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Error{fmt::format("cannot rename {} to {}: {}", tmp, path, ec.message())};
  return ok_status();
}

}  // namespace sc
