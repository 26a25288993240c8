#pragma once
// What `run` and `probe` share once their input is a list of validated scenarios: run each
// (a probe for a `target:`, our backends and proxy otherwise) with live progress, print the
// summaries, write the reports, and return the exit code.
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "report/report.hpp"
#include "scenario/scenario.hpp"

namespace sc::cli {

struct OutputArgs {
  std::string json_path = "stickycheck-report.json";
  std::string html_path, junit_path;
  bool keep_runtime = false;
  bool no_color = false;
  bool quiet = false;  // no progress lines
};

// --json, --html, --junit, --no-color, -q (and --keep-runtime for `run`).
void add_output_options(CLI::App& cmd, OutputArgs& a, bool runtime_dirs);

// Whether every report path asked for can be written, each one that cannot named on stderr:
// checked before anything runs (exit 2 when not), so no run's results are lost at its end.
bool output_paths_writable(const OutputArgs& a, const char* command);

// --shard I/N and --run-id (run and probe): this process drives a part of the sessions of one
// run (docs/shards.md).
struct ShardArgs {
  std::string shard, run_id;
};
void add_shard_options(CLI::App& cmd, ShardArgs& a);
// Each scenario as shard `a.shard` of run `a.run_id` runs it ("" leaves them whole); false,
// with the option named on stderr, when the text is no shard, the run id is not one, or a
// scenario cannot be cut so.
bool apply_shard(const ShardArgs& a, std::vector<Scenario>& scenarios, const char* command);

// This invocation's arguments, for the report's "what ran".
std::vector<std::string> command_line();

// The JSON report, then the HTML and JUnit renderings, where `a` asks; an exit code.
int write_outputs(const Report& report, const OutputArgs& a, const char* command);

int execute(const std::vector<Scenario>& scenarios, const OutputArgs& a, const char* command);

// Each real proxy's own checker on its configuration as the run will adapt it, before anything
// starts; the refusals are printed. False when any refused (the user's input is at fault).
bool check_proxy_configs(const std::vector<Scenario>& scenarios);

}  // namespace sc::cli
