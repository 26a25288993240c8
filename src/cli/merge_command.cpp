// `stickycheck merge REPORT.json... [--shards N] [--json PATH] [--html PATH] [--junit PATH]`:
// the reports of a test's shards joined into the one report a single run would have written.
#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>

#include "checks/verdict.hpp"
#include "cli/commands.hpp"
#include "cli/execute.hpp"
#include "merge/merge_reports.hpp"
#include "report/terminal.hpp"
#include "util/text.hpp"

namespace sc::cli {

namespace {

struct MergeArgs {
  std::vector<std::string> reports;
  int shards = 0;  // 0: as the reports say
  OutputArgs output;
};

int run_merge(MergeArgs a) {
  std::vector<ShardFile> files;
  for (const auto& path : a.reports) {
    auto report = load_report(path);
    if (!report) {
      fmt::print(stderr, "stickycheck merge: {}\n", report.error().message);
      return kExitBadInput;
    }
    files.push_back({path, std::move(*report)});
  }
  auto merged = merge_shard_reports(files, a.shards);
  if (!merged) {
    fmt::print(stderr, "stickycheck merge: {}\n", merged.error().message);
    return kExitBadInput;
  }
  merged->command_line = command_line();
  const bool color = !a.output.no_color && ::isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR");
  for (const auto& s : merged->scenarios) print_scenario_summary(stdout, s, color);
  print_run_summary(stdout, *merged, color);
  std::fflush(stdout);
  if (int code = write_outputs(*merged, a.output, "merge"); code != kExitOk) return code;
  return exit_code_for(*merged);
}

}  // namespace

Runner add_merge_command(CLI::App& app) {
  auto args = std::make_shared<MergeArgs>();
  auto* cmd = app.add_subcommand(
      "merge", "Join the JSON reports of a test's shards (--shard I/N) into one report");
  cmd->add_option("reports", args->reports, "The shards' JSON reports, one per shard")
      ->required();
  cmd->add_option("--shards", args->shards,
                  "How many shards the test ran as: a report missing among them is named")
      ->check(CLI::Range(1, 10000));
  cmd->add_option("--json", args->output.json_path, "Write the merged JSON report here");
  cmd->add_option("--html", args->output.html_path, "Also write a self-contained HTML report");
  cmd->add_option("--junit", args->output.junit_path, "Also write JUnit XML");
  cmd->add_flag("--no-color", args->output.no_color, "No colour in the terminal summary");
  args->output.json_path.clear();  // only what is asked for
  return [args] { return run_merge(*args); };
}

}  // namespace sc::cli
