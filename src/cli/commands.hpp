#pragma once
#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "cli/main_entry.hpp"
#include "report/report.hpp"

namespace sc::cli {

// Each subcommand registers its options and returns what runs it after parsing.
using Runner = std::function<int()>;

Runner add_backend_command(CLI::App& app);
Runner add_balancer_command(CLI::App& app);
Runner add_run_command(CLI::App& app);
Runner add_report_command(CLI::App& app);
Runner add_probe_command(CLI::App& app);
Runner add_init_command(CLI::App& app);
Runner add_lint_command(CLI::App& app);
Runner add_merge_command(CLI::App& app);

// A saved JSON report, its errors naming the file.
Result<Report> load_report(const std::string& path);

// Writes the HTML and JUnit renderings of `report` where asked (an empty path: not asked);
// returns an exit code, naming `command` in its complaints.
int write_renderings(const Report& report, const std::string& html_path,
                     const std::string& junit_path, const char* command);

}  // namespace sc::cli
