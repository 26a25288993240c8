#include "process/proc_stat.hpp"

#include <filesystem>
#include <sstream>
#include <string>

#include "util/text.hpp"

namespace sc {

std::optional<ProcStat> parse_proc_stat(std::string_view text) {
  const auto open = text.find('(');
  const auto close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open)
    return std::nullopt;
  ProcStat st;
  long long pid = 0;
  if (!parse_int(trim(text.substr(0, open)), pid)) return std::nullopt;
  st.pid = static_cast<int>(pid);
  // Fields 3 on: state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt
  // utime stime cutime cstime priority nice num_threads itrealvalue starttime.
  std::istringstream rest{std::string(text.substr(close + 1))};
  std::string skip;
  rest >> st.state >> st.ppid >> st.pgrp;
  for (int field = 6; field < 22 && rest; ++field) rest >> skip;
  rest >> st.start_ticks;
  if (!rest) return std::nullopt;
  return st;
}

std::optional<ProcStat> read_proc_stat(int pid) {
  auto text = read_text_file("/proc/" + std::to_string(pid) + "/stat");
  if (!text) return std::nullopt;
  return parse_proc_stat(*text);
}

std::vector<ProcStat> group_members(int pgid) {
  std::vector<ProcStat> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc", ec)) {
    long long pid = 0;
    if (!parse_int(e.path().filename().string(), pid)) continue;
    auto st = read_proc_stat(static_cast<int>(pid));
    if (st && st->pgrp == pgid && st->state != 'Z') out.push_back(*st);
  }
  return out;
}

}  // namespace sc
