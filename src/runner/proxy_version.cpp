#include "runner/proxy_version.hpp"

#include <signal.h>

#include <thread>

#include "util/text.hpp"

namespace sc {

std::string ask_version(ProcessLauncher& launcher, const std::string& exe,
                        const std::string& version_arg, const std::string& log_path,
                        std::chrono::milliseconds timeout) {
  ChildSpec spec;
  spec.name = "proxy version";
  spec.exe = exe;
  spec.args = {version_arg};
  spec.log_path = log_path;
  auto child = launcher.launch(spec);
  if (!child) return "";
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!(*child)->poll_exit()) {
    if (std::chrono::steady_clock::now() > deadline) {
      (*child)->send_signal(SIGKILL);
      while (!(*child)->poll_exit()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      return "";
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const std::string out = read_text_file(log_path).value_or("");
  return std::string(trim(out.substr(0, out.find('\n'))));
}

}  // namespace sc
