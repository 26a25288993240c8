#include "html_browser.hpp"

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "harness.hpp"

namespace sc::test {

namespace {

std::string chromium_command(const std::string& profile) {
  return "timeout 90 chromium --headless --no-sandbox --disable-gpu --disable-quic "
         "--no-first-run --disable-background-networking --disable-component-update "
         "--disable-sync --user-data-dir=" +
         profile;
}

std::string fresh_dir(const std::string& name) {
  static int counter = 0;
  const std::string dir = temp_path(name + std::to_string(counter++));
  std::filesystem::create_directories(dir);
  return dir;
}

// Requests the page started carry the file:// page in their network isolation key; the
// browser's own (update checks and the like) do not.
std::vector<std::string> page_requests(const std::string& netlog_path) {
  std::vector<std::string> urls;
  auto log = nlohmann::json::parse(read_file(netlog_path), nullptr, false);
  if (log.is_discarded() || !log.contains("constants")) return {"(unreadable net log)"};
  const int start_job = log["constants"]["logEventTypes"].value("URL_REQUEST_START_JOB", -1);
  for (const auto& e : log.value("events", nlohmann::json::array())) {
    if (e.value("type", -2) != start_job || !e.contains("params")) continue;
    const auto& p = e["params"];
    if (p.value("network_isolation_key", "").find("file://") != std::string::npos)
      urls.push_back(p.value("url", "?"));
  }
  return urls;
}

std::vector<std::string> console_lines(const std::string& log) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < log.size()) {
    auto end = log.find('\n', start);
    if (end == std::string::npos) end = log.size();
    const auto line = log.substr(start, end - start);
    if (line.find(":CONSOLE") != std::string::npos) lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

bool have_chromium() {
  std::string out;
  return run_shell("command -v chromium", out) == 0;
}

}  // namespace

int run_shell(const std::string& command, std::string& output) {
  output.clear();
  FILE* pipe = ::popen(("(" + command + ") 2>&1").c_str(), "r");
  if (!pipe) return -1;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) output.append(buf, n);
  const int status = ::pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

BrowserPage open_in_chromium(const std::string& html_path) {
  BrowserPage page;
  if (!have_chromium()) {
    page.failure = "chromium is not installed (scripts/bootstrap installs it)";
    return page;
  }
  const std::string dir = fresh_dir("chromium");
  const std::string dom = dir + "/dom.html", log = dir + "/stderr.txt", net = dir + "/net.json";
  std::string out;
  const int code = run_shell(chromium_command(dir + "/profile") +
                                 " --enable-logging=stderr --v=0 --log-net-log=" + net +
                                 " --dump-dom file://" + html_path + " > " + dom + " 2> " + log,
                             out);
  page.dom = read_file(dom);
  if (code != 0 || page.dom.empty()) {
    page.failure = "chromium failed (exit " + std::to_string(code) + "): " + read_file(log);
    return page;
  }
  page.console = console_lines(read_file(log));
  page.page_requests = page_requests(net);
  return page;
}

std::string screenshot_with_chromium(const std::string& html_path, const std::string& png_path,
                                     int width, int height) {
  if (!have_chromium()) return "chromium is not installed (scripts/bootstrap installs it)";
  std::string out;
  const int code =
      run_shell(chromium_command(fresh_dir("shot") + "/profile") +
                    " --hide-scrollbars --window-size=" + std::to_string(width) + "," +
                    std::to_string(height) + " --screenshot=" + png_path + " file://" + html_path,
                out);
  if (code != 0 || !std::filesystem::exists(png_path)) return "chromium failed: " + out;
  return "";
}

}  // namespace sc::test
