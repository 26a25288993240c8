#pragma once
// The process entry point alone, so that main.cpp does not compile CLI11 (commands.hpp).

namespace sc::cli {

// Parses argv and runs the chosen subcommand; returns the process exit code.
int main_entry(int argc, char** argv);

}  // namespace sc::cli
