#pragma once
// What /proc says about a process: enough to find the members of a process group and to tell
// a process from a later one that was given the same pid (its start time differs).
#include <optional>
#include <string_view>
#include <vector>

namespace sc {

struct ProcStat {
  int pid = 0;
  char state = '?';  // 'Z': a zombie, already dead
  int ppid = 0;
  int pgrp = 0;
  unsigned long long start_ticks = 0;  // since boot, in clock ticks (field 22)
};

// The text of /proc/PID/stat; nullopt when it does not parse. (The command name, field 2, may
// hold spaces and parentheses: the fields after it are found from its last ')'.)
std::optional<ProcStat> parse_proc_stat(std::string_view text);
// nullopt when there is no such process.
std::optional<ProcStat> read_proc_stat(int pid);
// The processes of group `pgid` that are not zombies.
std::vector<ProcStat> group_members(int pgid);

}  // namespace sc
