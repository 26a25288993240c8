#include <fmt/format.h>

#include "checks/verdict.hpp"
#include "cli/commands.hpp"
#include "cli/execute.hpp"
#include "cli/memory_guard.hpp"
#include "cli/probe_options.hpp"
#include "probe/probe_run.hpp"
#include "util/text.hpp"

namespace sc::cli {

namespace {

int run_probe_command(const ProbeArgs& a) {
  auto s = probe_scenario(a);
  if (!s) {
    for (auto line : split(s.error().message, '\n'))
      fmt::print(stderr, "stickycheck probe: {}\n", line);
    return kExitBadInput;
  }
  // Every record is kept until the checks run: a probe whose caps cannot fit is refused before
  // its first request, as a dry run tells (the --sessions option is named, not a file's line).
  const auto as_option = [&a](const std::string& line) {
    return "stickycheck probe: " + as_option_error(a, line);
  };
  std::vector<Scenario> one{std::move(*s)};
  if (!apply_shard(a.shard, one, "probe")) return kExitBadInput;
  if (!fits_in_memory(one, "probe", as_option)) return kExitBadInput;
  if (a.dry_run) {
    fmt::print("{}", probe_plan(one.front()));
    return kExitOk;
  }
  if (!output_paths_writable(a.output, "probe")) return kExitBadInput;
  one.front().file = a.url;  // what the summary line and the reports name: the site probed
  return execute(one, a.output, "probe");
}

}  // namespace

Runner add_probe_command(CLI::App& app) {
  auto args = std::make_shared<ProbeArgs>();
  auto* cmd = app.add_subcommand(
      "probe", "Drive sessions through a live deployment and check affinity, politely");
  add_probe_options(cmd, *args);
  cmd->add_flag("--dry-run", args->dry_run, "Print what would be sent, send nothing");
  add_shard_options(*cmd, args->shard);
  add_output_options(*cmd, args->output, false);
  return [args] { return run_probe_command(*args); };
}

}  // namespace sc::cli
