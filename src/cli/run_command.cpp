#include <fmt/format.h>

#include "checks/verdict.hpp"
#include "cli/commands.hpp"
#include "cli/execute.hpp"
#include "cli/memory_guard.hpp"
#include "runner/scenario_files.hpp"
#include "util/text.hpp"

namespace sc::cli {

namespace {

struct RunArgs {
  std::vector<std::string> scenarios;
  std::string host;  // every scenario's traffic.host
  ShardArgs shard;  // --shard I/N, --run-id
  OutputArgs output;
};

int run(const RunArgs& a) {
  auto files = expand_scenario_paths(a.scenarios);
  if (!files) {
    fmt::print(stderr, "stickycheck run: {}\n", files.error().message);
    return kExitBadInput;
  }
  // Every scenario is validated before anything starts: bad input leaves nothing half-done.
  std::vector<Scenario> scenarios;
  bool bad = false;
  for (const auto& f : *files) {
    auto s = load_scenario_file(f);
    if (!s) {
      fmt::print(stderr, "{}\n", s.error().message);
      bad = true;
    } else {
      scenarios.push_back(std::move(*s));
    }
  }
  if (!output_paths_writable(a.output, "run")) bad = true;
  if (bad || !fits_in_memory(scenarios, "run")) return kExitBadInput;
  if (!a.host.empty()) {
    if (!valid_host_name(a.host)) {
      fmt::print(stderr,
                 "stickycheck run: --host: expected a host name such as www.example.com (no "
                 "scheme, port or path), got '{}'\n",
                 a.host);
      return kExitBadInput;
    }
    for (auto& s : scenarios) s.traffic.host = a.host;
  }
  if (!apply_shard(a.shard, scenarios, "run")) return kExitBadInput;
  if (!check_proxy_configs(scenarios)) return kExitBadInput;
  return execute(scenarios, a.output, "run");
}

}  // namespace

Runner add_run_command(CLI::App& app) {
  auto args = std::make_shared<RunArgs>();
  auto* cmd = app.add_subcommand(
      "run", "Start backends and the proxy of each scenario, drive sessions, check affinity");
  cmd->add_option("scenarios", args->scenarios, "Scenario files or directories")->required();
  cmd->add_option("--host", args->host,
                  "Send the requests for this host name (Host header, cookie Domain/Path/Secure "
                  "as a browser applies them) while connecting to the proxy's address; "
                  "overrides traffic.host");
  add_shard_options(*cmd, args->shard);
  add_output_options(*cmd, args->output, true);
  return [args] { return run(*args); };
}

}  // namespace sc::cli
