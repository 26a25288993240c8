#pragma once
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace sc {

// Writes through a temporary file and a rename, so a reader never sees half a file.
Status write_file_atomically(const std::string& path, std::string_view text);

}  // namespace sc
