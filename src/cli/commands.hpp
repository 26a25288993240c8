#pragma once
#include <CLI/CLI.hpp>
#include <functional>

namespace sc::cli {

// Each subcommand registers its options and returns what runs it after parsing.
using Runner = std::function<int()>;

Runner add_backend_command(CLI::App& app);
Runner add_balancer_command(CLI::App& app);
Runner add_run_command(CLI::App& app);

// Parses argv and runs the chosen subcommand; returns the process exit code.
int main_entry(int argc, char** argv);

}  // namespace sc::cli
