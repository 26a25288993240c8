// `stickycheck lint FILE... [--proxy KIND] [--json PATH] [--junit PATH] [--sarif PATH]`: the
// stickiness mistakes a proxy configuration shows before any traffic. Exit 0 no errors, 1
// errors found, 2 a file cannot be read, recognised or parsed (located), 3 an output cannot be
// written.
#include <fmt/format.h>

#include "checks/verdict.hpp"
#include "cli/commands.hpp"
#include "lint/lint_run.hpp"
#include "render/lint_render.hpp"
#include "render/output_file.hpp"

namespace sc::cli {
namespace {

struct LintArgs {
  std::vector<std::string> files;
  std::string proxy, json_path, junit_path, sarif_path;
};

int write_lint_outputs(const LintArgs& a, const LintResult& r) {
  const std::string version = STICKYCHECK_VERSION;
  const std::pair<const std::string*, std::string> outputs[] = {
      {&a.json_path, a.json_path.empty() ? "" : render_lint_json(r, version)},
      {&a.junit_path, a.junit_path.empty() ? "" : render_lint_junit(r)},
      {&a.sarif_path, a.sarif_path.empty() ? "" : render_lint_sarif(r, version)}};
  for (const auto& [path, text] : outputs) {
    if (path->empty()) continue;
    if (auto st = write_file_atomically(*path, text); !st) {
      fmt::print(stderr, "stickycheck lint: {}\n", st.error().message);
      return kExitCannotRun;
    }
    fmt::print(stderr, "stickycheck: {} written\n", *path);
  }
  return kExitOk;
}

int run_lint(const LintArgs& a) {
  for (const auto* path : {&a.json_path, &a.junit_path, &a.sarif_path})
    if (!path->empty())
      if (auto st = check_output_path(*path); !st) {
        fmt::print(stderr, "stickycheck lint: {}\n", st.error().message);
        return kExitBadInput;
      }
  auto result = lint_files(a.files, a.proxy);
  if (!result) {
    fmt::print(stderr, "stickycheck lint: {}\n", result.error().message);
    return kExitBadInput;
  }
  fmt::print("{}", render_lint_terminal(*result));
  if (int code = write_lint_outputs(a, *result); code != kExitOk) return code;
  return result->count(Severity::kError) > 0 ? kExitCheckFailed : kExitOk;
}

}  // namespace

Runner add_lint_command(CLI::App& app) {
  auto args = std::make_shared<LintArgs>();
  auto* cmd = app.add_subcommand(
      "lint", "Find stickiness mistakes in proxy configurations, without traffic or a proxy");
  cmd->add_option("files", args->files, "Apache, HAProxy, nginx or Caddy configuration files")
      ->required();
  cmd->add_option("--proxy", args->proxy, "The files' proxy (default: recognised from content)")
      ->check(CLI::IsMember({"apache", "haproxy", "nginx", "caddy"}));
  cmd->add_option("--json", args->json_path, "Write the findings as JSON here");
  cmd->add_option("--junit", args->junit_path, "Write JUnit XML here (errors fail)");
  cmd->add_option("--sarif", args->sarif_path, "Write SARIF 2.1.0 here (code scanning)");
  return [args] { return run_lint(*args); };
}

}  // namespace sc::cli
