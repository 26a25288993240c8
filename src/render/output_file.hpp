#pragma once
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace sc {

// Before a run: whether a file can be written at `path` (not a directory; its directory
// exists and lets this user create a file there, tried for real), so a run is never lost to
// a report path found unwritable only at its end.
Status check_output_path(const std::string& path);

// Writes through a temporary file and a rename, so a reader never sees half a file. The
// temporary file has a name of its own, next to `path`, created with O_EXCL|O_NOFOLLOW (a
// planted file or symlink is never written through), and is removed on every failure.
Status write_file_atomically(const std::string& path, std::string_view text);

}  // namespace sc
