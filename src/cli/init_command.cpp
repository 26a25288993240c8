// `stickycheck init --proxy TYPE [--from FILE] [--force] [DIR]`: a scenario for the user's own
// proxy configuration (or the shipped one) that runs as it is with `stickycheck run DIR`.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "checks/verdict.hpp"
#include "cli/commands.hpp"
#include "cli/init_files.hpp"
#include "util/text.hpp"

namespace sc::cli {

namespace {

struct InitArgs {
  std::string type;
  std::string from;
  std::string dir = "stickycheck";
  bool force = false;
};

int write_files(const InitArgs& a, const std::vector<InitFile>& files) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(a.dir, ec);
  if (ec) {
    fmt::print(stderr, "stickycheck init: cannot create {}: {}\n", a.dir, ec.message());
    return kExitBadInput;
  }
  for (const auto& f : files) {
    const auto path = (fs::path(a.dir) / f.name).string();
    if (!a.force && fs::exists(path, ec)) {
      fmt::print(stderr, "stickycheck init: {} exists; nothing written (--force replaces it)\n",
                 path);
      return kExitBadInput;
    }
  }
  for (const auto& f : files) {
    const auto path = (fs::path(a.dir) / f.name).string();
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << f.text;
    if (!out) {
      fmt::print(stderr, "stickycheck init: cannot write {}\n", path);
      return kExitBadInput;
    }
    fmt::print("wrote {}\n", path);
  }
  fmt::print("run it with:\n  stickycheck run {}\n", a.dir);
  return kExitOk;
}

int run_init(const InitArgs& a) {
  InitRequest request{a.type, "", ""};
  if (!a.from.empty()) {
    auto text = read_text_file(a.from);
    if (!text) {
      fmt::print(stderr, "stickycheck init: --from: cannot read {}\n", a.from);
      return kExitBadInput;
    }
    request.from_name = std::filesystem::path(a.from).filename().string();
    if (request.from_name == "scenario.yaml") request.from_name = "proxy-" + request.from_name;
    request.from_text = std::move(*text);
  }
  return write_files(a, init_files(request));
}

}  // namespace

Runner add_init_command(CLI::App& app) {
  auto args = std::make_shared<InitArgs>();
  auto* cmd = app.add_subcommand(
      "init", "Write a scenario for your proxy configuration (or the shipped one) to run as is");
  cmd->add_option("--proxy", args->type, "The proxy under test")
      ->required()
      ->check(CLI::IsMember({"apache", "haproxy", "nginx", "caddy", "reference"}));
  cmd->add_option("--from", args->from,
                  "Your configuration file as it ships (copied beside the scenario)");
  cmd->add_flag("--force", args->force, "Replace files that exist");
  cmd->add_option("dir", args->dir, "Where to write the scenario")->capture_default_str();
  return [args] { return run_init(*args); };
}

}  // namespace sc::cli
