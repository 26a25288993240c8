// `stickycheck init --proxy TYPE [--from FILE] [--force] [DIR]`: a scenario for the user's own
// proxy configuration (or the shipped one) that runs as it is with `stickycheck run DIR`.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "checks/verdict.hpp"
#include "cli/commands.hpp"
#include "cli/init_files.hpp"
#include "lint/lint_run.hpp"
#include "proxies/config_includes.hpp"
#include "render/lint_render.hpp"
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
    fs::create_directories(fs::path(path).parent_path(), ec);  // an included file's folder
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

// The files FILE includes by a relative path (Apache's Include, nginx's include), found
// beside it or in its parent folder: copied beside the scenario at the same relative path, so
// that the run finds them where it looks first. Files read by an absolute path, or from
// /etc/nginx, are this machine's and are not copied. The request's site_text gets the text
// with them spliced in, where init looks for the members.
Result<std::vector<InitFile>> included_files(const std::string& type, const std::string& given,
                                             InitRequest& request) {
  const std::string& text = request.from_text;
  namespace fs = std::filesystem;
  if (type != "apache" && type != "nginx" && type != "reference" && type != "caddy")
    return std::vector<InitFile>{};
  std::error_code ec;
  const std::string from = fs::absolute(given, ec).lexically_normal().string();
  auto spliced = splice_includes(type, from, text);
  if (!spliced) return spliced.error();
  if (!spliced->origins.empty()) request.site_text = spliced->text;
  std::vector<InitFile> out;
  const auto beside = fs::path(from).parent_path(), parent = beside.parent_path();
  std::vector<std::string> seen;
  for (const auto& origin : spliced->origins) {
    const std::string& file = origin.first;  // (clang 14 cannot capture a structured binding)
    if (file == from || std::find(seen.begin(), seen.end(), file) != seen.end()) continue;
    seen.push_back(file);
    const auto under = [&](const fs::path& base) {
      const auto rel = fs::path(file).lexically_relative(base);
      return !base.empty() && !rel.empty() && *rel.begin() != "..";
    };
    fs::path rel;
    if (under(beside)) rel = fs::path(file).lexically_relative(beside);
    else if (under(parent)) rel = fs::path(file).lexically_relative(parent);
    else continue;
    auto content = read_text_file(file);
    if (!content) return Error{fmt::format("cannot read {}, which {} includes", file, from)};
    out.push_back({rel.string(), std::move(*content)});
  }
  return out;
}

// What lint finds in the user's file, before the first run (a finding never fails init).
void show_lint(const InitArgs& a) {
  auto text = read_text_file(a.from);
  if (!text) return;
  // The reference balancer reads an Apache configuration.
  auto result = lint_text(a.from, *text, a.type == "reference" ? "apache" : a.type);
  if (!result) return;  // the run's own checker will say what is wrong with it
  fmt::print("lint of {}:\n{}", a.from, render_lint_terminal(*result));
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
  std::vector<InitFile> included;
  if (!a.from.empty()) {
    auto found = included_files(a.type, a.from, request);
    if (!found) {
      fmt::print(stderr, "stickycheck init: --from: {}\n", found.error().message);
      return kExitBadInput;
    }
    included = std::move(*found);
  }
  auto files = init_files(request);
  files.insert(files.end(), included.begin(), included.end());
  const int written = write_files(a, files);
  if (written == kExitOk && !a.from.empty()) show_lint(a);
  return written;
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
