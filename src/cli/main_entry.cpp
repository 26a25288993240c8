#include <fmt/format.h>

#include <new>

#include "checks/verdict.hpp"
#include "cli/commands.hpp"

namespace sc::cli {

int main_entry(int argc, char** argv) {
  CLI::App app{"stickycheck: sticky-session (session affinity) diagnostics and conformance tests"};
  app.set_version_flag("--version", std::string("stickycheck ") + STICKYCHECK_VERSION);
  app.require_subcommand(1);
  const std::vector<std::pair<std::string, Runner>> commands = {
      {"run", add_run_command(app)},           {"backend", add_backend_command(app)},
      {"balancer", add_balancer_command(app)}, {"report", add_report_command(app)},
      {"probe", add_probe_command(app)},       {"init", add_init_command(app)},
      {"lint", add_lint_command(app)},         {"merge", add_merge_command(app)},
  };
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitBadInput;  // usage errors share the bad-input exit code
  }
  try {
    for (const auto& [name, runner] : commands)
      if (app.get_subcommand(name)->parsed()) return runner();
  } catch (const std::bad_alloc&) {
    // Caught, not left to std::terminate, so that every destructor on the way (children
    // stopped, runtime directories removed) has run.
    fmt::print(stderr, "stickycheck: out of memory\n");
    return kExitCannotRun;
  }
  return kExitBadInput;
}

}  // namespace sc::cli
