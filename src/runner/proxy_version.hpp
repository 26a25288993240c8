#pragma once
// What the proxy under test says its version is, for the report's "what ran".
#include <chrono>
#include <string>

#include "process/child_process.hpp"

namespace sc {

// Runs `exe version_arg` (its output to `log_path`) and gives the first line it printed;
// empty when it printed nothing or did not exit within `timeout` (then it is killed).
std::string ask_version(ProcessLauncher& launcher, const std::string& exe,
                        const std::string& version_arg, const std::string& log_path,
                        std::chrono::milliseconds timeout = std::chrono::milliseconds(3000));

}  // namespace sc
