// `stickycheck report REPORT.json [--html PATH] [--junit PATH]`: renders a saved report again
// (CI renders later; reports of older runs still open), and the --html/--junit outputs of `run`.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "checks/verdict.hpp"
#include "render/html_report.hpp"
#include "render/junit.hpp"
#include "render/output_file.hpp"
#include "report/terminal.hpp"
#include "util/text.hpp"

namespace sc::cli {

namespace {

struct ReportArgs {
  std::string json_path;
  std::string html_path;
  std::string junit_path;
};

int run_report(const ReportArgs& a) {
  auto report = load_report(a.json_path);
  if (!report) {
    fmt::print(stderr, "stickycheck report: {}\n", report.error().message);
    return kExitBadInput;
  }
  if (a.html_path.empty() && a.junit_path.empty()) {
    for (const auto& s : report->scenarios) print_scenario_summary(stdout, s, false);
    print_run_summary(stdout, *report, false);
    return kExitOk;
  }
  return write_renderings(*report, a.html_path, a.junit_path, "report");
}

}  // namespace

Result<Report> load_report(const std::string& path) {
  auto text = read_text_file(path);
  if (!text) return Error{fmt::format("cannot read {}", path)};
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded()) return Error{fmt::format("{} is not valid JSON", path)};
  auto report = report_from_json(j);
  if (!report) return Error{fmt::format("{}: {}", path, report.error().message)};
  return report;
}

int write_renderings(const Report& report, const std::string& html_path,
                     const std::string& junit_path, const char* command) {
  const std::pair<const std::string*, std::string (*)(const Report&)> outputs[] = {
      {&html_path, &render_html}, {&junit_path, &render_junit}};
  for (const auto& [path, render] : outputs) {
    if (path->empty()) continue;
    if (auto st = write_file_atomically(*path, render(report)); !st) {
      fmt::print(stderr, "stickycheck {}: {}\n", command, st.error().message);
      return kExitCannotRun;
    }
    fmt::print(stderr, "stickycheck: {} written\n", *path);
  }
  return kExitOk;
}

Runner add_report_command(CLI::App& app) {
  auto args = std::make_shared<ReportArgs>();
  auto* cmd = app.add_subcommand(
      "report", "Render a saved JSON report again: HTML, JUnit XML, or a terminal summary");
  cmd->add_option("report", args->json_path, "A JSON report written by `stickycheck run`")
      ->required();
  cmd->add_option("--html", args->html_path, "Write a self-contained HTML report here");
  cmd->add_option("--junit", args->junit_path, "Write JUnit XML (one testsuite per scenario) here");
  return [args] { return run_report(*args); };
}

}  // namespace sc::cli
