#include "cli/execute.hpp"
#include "cli/output_lock.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "checks/verdict.hpp"
#include "cli/commands.hpp"
#include "probe/probe_run.hpp"
#include "process/run_registry.hpp"
#include "render/output_file.hpp"
#include "report/progress_line.hpp"
#include "report/terminal.hpp"
#include "proxies/proxy_kinds.hpp"
#include "runner/interrupt.hpp"
#include "runner/proxy_check.hpp"
#include "runner/run_scenario.hpp"
#include "scenario/scenario_shard.hpp"
#include "util/text.hpp"

namespace sc::cli {

namespace {

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

std::string self_exe() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : p.string();
}

std::string runtime_root() {
  const char* tmp = std::getenv("TMPDIR");
  return tmp && *tmp ? tmp : "/tmp";
}

RunContext make_context(const OutputArgs& a, const std::string& self) {
  RunContext ctx;
  ctx.self_exe = self;
  ctx.runtime_root = runtime_root();
  ctx.keep_runtime = a.keep_runtime;
  const char* ci = std::getenv("CI");
  ctx.ci = ci && *ci && std::string_view(ci) != "false" && std::string_view(ci) != "0";
  ctx.wake_fd = interrupt_wake_fd();
  ctx.interrupted = [] { return interrupted(); };
  ctx.status = [](const std::string& line) {
    fmt::print(stderr, "stickycheck: {}\n", terminal_safe(line));  // it names the scenario
  };
  return ctx;
}

// Each rendered proxy configuration beside the JSON report (REPORT.SCENARIO.httpd.conf), so
// that the report can name the exact file the proxy ran with.
void save_rendered_configs(Report& report, const std::string& json_path) {
  if (json_path.empty()) return;
  const std::string stem = std::filesystem::path(json_path).replace_extension("").string();
  for (auto& r : report.scenarios) {
    const ProxyKind* kind = find_proxy_kind(r.scenario.proxy.type);
    if (r.proxy_config.empty() || !kind || kind->config_name.empty()) continue;
    std::string name;
    for (char c : r.scenario.name) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
    const std::string path = fmt::format("{}.{}.{}", stem, name, kind->config_name);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << r.proxy_config;
    if (out) r.proxy_config_rendered = path;
  }
}

// Stops what an earlier, killed run left running (saying so), then records this run's
// children for the next one. Without a usable state directory the run goes on, unrecorded.
std::unique_ptr<RunRegistry> open_run_registry() {
  auto dir = state_directory();
  if (dir) {
    for (const auto& g : reap_leftovers(*dir)) fmt::print(stderr, "stickycheck: {}\n", describe(g));
    auto registry = RunRegistry::create(*dir);
    if (registry) return std::move(*registry);
    dir = registry.error();
  }
  fmt::print(stderr,
             "stickycheck: warning: {}; if this run is killed, its proxies are not stopped "
             "by the next one\n",
             dir.error().message);
  return nullptr;
}

}  // namespace

// This invocation's arguments, for the report's "what ran".
std::vector<std::string> command_line() {
  std::vector<std::string> args;
  const std::string raw = read_text_file("/proc/self/cmdline").value_or("");
  for (auto arg : split(raw, '\0')) args.emplace_back(arg);
  if (!args.empty() && args.back().empty()) args.pop_back();  // cmdline ends with a NUL
  return args;
}

int write_outputs(const Report& report, const OutputArgs& a, const char* command) {
  if (!a.json_path.empty()) {
    // A server's bytes that are not UTF-8 (in a header quoted by an error) are written as
    // U+FFFD, never a crash at the end of a run.
    const std::string text =
        to_json(report).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    if (auto st = write_file_atomically(a.json_path, text); !st) {
      fmt::print(stderr, "stickycheck {}: --json: {}\n", command, st.error().message);
      return kExitCannotRun;
    }
    fmt::print(stderr, "stickycheck: report written to {}\n", a.json_path);
  }
  return write_renderings(report, a.html_path, a.junit_path, command);
}


bool output_paths_writable(const OutputArgs& a, const char* command) {
  bool ok = true;
  for (const auto& [option, path] :
       {std::pair{"--json", &a.json_path}, {"--html", &a.html_path}, {"--junit", &a.junit_path}}) {
    if (path->empty()) continue;
    if (auto st = check_output_path(*path); !st) {
      fmt::print(stderr, "stickycheck {}: {}: {}\n", command, option, st.error().message);
      ok = false;
    }
  }
  return ok;
}

void add_output_options(CLI::App& cmd, OutputArgs& a, bool runtime_dirs) {
  cmd.add_option("--json", a.json_path, "Where to write the JSON report ('' for none)")
      ->capture_default_str();
  cmd.add_option("--html", a.html_path, "Also write a self-contained HTML report here");
  cmd.add_option("--junit", a.junit_path, "Also write JUnit XML here");
  if (runtime_dirs)
    cmd.add_flag("--keep-runtime", a.keep_runtime,
                 "Keep each scenario's runtime directory (child logs) for inspection");
  cmd.add_flag("--no-color", a.no_color, "No colour in the terminal summary");
  cmd.add_flag("-q,--quiet", a.quiet,
               "No progress lines (on a terminal one live line per scenario; in a log one line "
               "every 10 s)");
}

void add_shard_options(CLI::App& cmd, ShardArgs& a) {
  cmd.add_option("--shard", a.shard,
                 "I/N: drive only the sessions whose index is I modulo N (I from 0), with 1/N of "
                 "the concurrency, rate and request cap; `stickycheck merge` joins the N reports");
  cmd.add_option("--run-id", a.run_id,
                 "What the shards of one run share (a Kubernetes Job's uid): `merge` refuses a "
                 "report of another run");
}

bool apply_shard(const ShardArgs& a, std::vector<Scenario>& scenarios, const char* command) {
  if (!a.run_id.empty())
    if (const auto why = run_id_error(a.run_id); !why.empty()) {
      fmt::print(stderr, "stickycheck {}: --run-id: {}\n", command, why);
      return false;
    }
  if (a.shard.empty()) {
    for (auto& s : scenarios) s.shard.run_id = a.run_id;
    return true;
  }
  auto shard = parse_shard(a.shard);
  if (!shard) {
    fmt::print(stderr, "stickycheck {}: --shard: {}\n", command, shard.error().message);
    return false;
  }
  shard->run_id = a.run_id;
  for (auto& s : scenarios) {
    auto cut = shard_scenario(s, *shard);
    if (!cut) {
      // A probe's scenario is its command line; a run names the file.
      const std::string where = std::string(command) == "run" ? s.file + ": " : "";
      fmt::print(stderr, "stickycheck {}: --shard: {}{}\n", command, where, cut.error().message);
      return false;
    }
    s = std::move(*cut);
  }
  return true;
}

namespace {

// One run per report file (cli/output_lock.hpp); without a state directory, no locks.
Result<OutputLocks> lock_outputs(const OutputArgs& a) {
  OutputLocks locks;
  auto dir = state_directory();
  if (!dir) return locks;
  for (const auto& [option, path] :
       {std::pair{"--json", &a.json_path}, {"--html", &a.html_path}, {"--junit", &a.junit_path}})
    if (auto st = locks.lock(option, *path, *dir + "/report-locks"); !st) return st.error();
  return locks;
}

}  // namespace

int execute(const std::vector<Scenario>& scenarios, const OutputArgs& a, const char* command) {
  auto locks = lock_outputs(a);
  if (!locks) {
    fmt::print(stderr, "stickycheck {}: {}\n", command, locks.error().message);
    return kExitCannotRun;
  }
  install_interrupt_handlers();
  const bool color = !a.no_color && ::isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR");
  auto process_launcher = make_process_launcher();
  const auto registry = open_run_registry();
  std::optional<RegisteringLauncher> registering;
  if (registry) registering.emplace(*process_launcher, *registry);
  RunContext ctx = make_context(a, self_exe());
  ctx.launcher = registering ? &*registering : process_launcher.get();
  Report report;
  report.started_at = utc_now();
  report.command_line = command_line();
  ProgressPrinter progress(stderr, ::isatty(STDERR_FILENO) != 0);
  for (const auto& s : scenarios) {
    if (interrupted()) break;
    if (!a.quiet) ctx.progress = [&](const DriverProgress& p) { progress.update(s.name, p); };
    auto r = s.target ? run_probe(s, ctx) : run_scenario(s, ctx);
    progress.finish();
    if (interrupted()) {
      report.interrupted = true;
      r.error = "interrupted by signal " + std::to_string(interrupt_signal());
    }
    print_scenario_summary(stdout, r, color);
    std::fflush(stdout);
    report.scenarios.push_back(std::move(r));
  }
  report.interrupted = report.interrupted || interrupted();
  print_matrix(stdout, report);
  print_run_summary(stdout, report, color);
  save_rendered_configs(report, a.json_path);
  if (int code = write_outputs(report, a, command); code != kExitOk) return code;
  return exit_code_for(report);
}

bool check_proxy_configs(const std::vector<Scenario>& scenarios) {
  auto launcher = make_process_launcher();
  const ProxyCheckContext ctx{launcher.get(), self_exe(), runtime_root()};
  bool ok = true;
  for (const auto& s : scenarios) {
    if (s.target) continue;
    if (auto checked = check_proxy_config(s, ctx); !checked) {
      fmt::print(stderr, "{}: {}\n", s.file, checked.error().message);
      ok = false;
    }
  }
  return ok;
}

}  // namespace sc::cli
