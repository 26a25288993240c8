#include "runner/proxy_check.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cctype>
#include <filesystem>
#include <optional>
#include <regex>
#include <thread>

#include "runner/launch_plan.hpp"
#include "runner/ports.hpp"
#include "runner/proxy_prepare.hpp"
#include "proxies/proxy_kinds.hpp"
#include "util/text.hpp"

namespace sc {

namespace {

// Lines that sum up or announce rather than say what went wrong.
bool is_notice(std::string_view line) {
  for (std::string_view n :
       {"AH00014", "AH00015", "Configuration check failed", "Fatal errors found in configuration",
        "[NOTICE]", "[WARNING]", "[warn]", "[notice]", "\"level\":\"info\"", "\"level\":\"warn\"",
        "\"level\":\"debug\"", "test failed"})
    if (line.find(n) != std::string_view::npos) return true;
  return false;
}

bool reports_error(std::string_view line) {
  const std::string l = to_lower(line);
  for (std::string_view m : {"error", "emerg", "alert", "crit", "cannot", "failed", "invalid",
                             "fatal", "unknown", "no such", "denied", "not found"})
    if (l.find(m) != std::string::npos) return true;
  return false;
}

}  // namespace

std::string first_error_line(std::string_view output) {
  std::vector<std::string> lines;
  for (auto l : split(output, '\n'))
    if (!trim(l).empty()) lines.emplace_back(trim(l));
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (is_notice(lines[i]) || !reports_error(lines[i])) continue;
    if (lines[i].ends_with(':') && i + 1 < lines.size()) return lines[i] + " " + lines[i + 1];
    return lines[i];
  }
  for (auto it = lines.rbegin(); it != lines.rend(); ++it)
    if (!is_notice(*it)) return *it;
  return "";
}

std::optional<CommandOutput> run_for_output(ProcessLauncher& launcher, const ChildSpec& spec,
                                            std::chrono::milliseconds timeout) {
  auto child = launcher.launch(spec);
  if (!child) return std::nullopt;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::optional<int> status;
  while (!(status = (*child)->poll_exit())) {
    if (std::chrono::steady_clock::now() > deadline) {
      (*child)->send_signal(SIGKILL);
      while (!(*child)->poll_exit()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      return std::nullopt;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return CommandOutput{*status, read_text_file(spec.log_path).value_or("")};
}

namespace {

// The checker's command line, with the plan's configuration and runtime directory.
ChildSpec checker_spec(const ProxyKind& kind, const LaunchPlan& plan, const std::string& dir) {
  auto replace = [](std::string s, std::string_view from, const std::string& to) {
    for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
      s.replace(pos, from.size(), to);
    return s;
  };
  auto fill = [&](std::string_view a) {
    return replace(replace(std::string(a), "{config}", plan.proxy_config), "{runtime_dir}", dir);
  };
  ChildSpec spec;
  spec.name = "proxy check";
  spec.exe = plan.proxy.spec.exe;
  for (auto a : kind.check_args) spec.args.push_back(fill(a));
  spec.env = plan.proxy.spec.env;
  spec.log_path = dir + "/proxy-check.log";
  return spec;
}

// "caddy validate", "apache2 -t": the checker as a person would name it.
std::string command_text(const ChildSpec& spec) {
  std::string out = std::filesystem::path(spec.exe).filename().string();
  return spec.args.empty() ? out : out + " " + spec.args.front();
}

}  // namespace

std::string at_user_lines(std::string_view text, const std::string& adapted,
                          const UserLines& user) {
  auto place = [&](long long line) -> std::optional<std::pair<std::string, std::size_t>> {
    if (line <= static_cast<long long>(user.lines_before)) return std::nullopt;
    const auto i = static_cast<std::size_t>(line) - user.lines_before - 1;
    if (!user.origins.empty())
      return i < user.origins.size() ? std::optional(user.origins[i]) : std::nullopt;
    return std::pair{user.file, i + 1};
  };
  std::string out(text);
  // nginx: "in FILE:LINE"; Apache: "on line LINE of FILE:".
  const std::regex nginx_form(std::regex_replace(adapted, std::regex(R"([.^$|()\[\]{}*+?\\])"),
                                                 R"(\$&)") +
                              R"(:(\d+))");
  const std::regex apache_form(R"(line (\d+) of )" +
                               std::regex_replace(adapted, std::regex(R"([.^$|()\[\]{}*+?\\])"),
                                                  R"(\$&)"));
  for (int form = 0; form < 2; ++form) {
    std::smatch m;
    std::string rest = out, done;
    while (std::regex_search(rest, m, form == 0 ? nginx_form : apache_form)) {
      long long line = 0;
      parse_int(m[1].str(), line);
      const auto at = place(line);
      done += m.prefix().str();
      if (!at)
        done += m[0].str();
      else if (form == 0)
        done += fmt::format("{}:{}", at->first, at->second);
      else
        done += fmt::format("line {} of {}", at->second, at->first);
      rest = m.suffix().str();
    }
    out = done + rest;
  }
  return out;
}

Status check_proxy_config(const Scenario& s, const ProxyCheckContext& ctx) {
  const ProxyKind* kind = find_proxy_kind(s.proxy.type);
  if (!kind || !kind->real || kind->check_args.empty()) return ok_status();
  auto ports = allocate_loopback_ports(s.backends.size() + 1);
  if (!ports) return ok_status();  // the run will say so, as a test that could not run
  std::string dir = ctx.runtime_root + "/stickycheck-check.XXXXXX";
  if (!::mkdtemp(dir.data())) return ok_status();
  LaunchPlan plan = make_launch_plan(s, ctx.self_exe, dir, *ports);
  auto prepared = prepare_proxy(s, ctx.self_exe, dir, plan, *ctx.launcher);
  Status result = ok_status();
  if (!prepared.error.empty() && !prepared.missing) result = Error{prepared.error};
  if (prepared.error.empty()) {
    const ChildSpec spec = checker_spec(*kind, plan, dir);
    auto out = run_for_output(*ctx.launcher, spec, std::chrono::seconds(30));
    if (out && (!WIFEXITED(out->status) || WEXITSTATUS(out->status) != 0)) {
      std::string why = first_error_line(out->text);
      // nginx says "in FILE:LINE": the user's line, when the adapter kept every line in place.
      if (prepared.keeps_lines)
        why = at_user_lines(why, plan.proxy_config,
                            {s.proxy.config, prepared.lines_before, prepared.origins});
      result = Error{fmt::format("{}: {} refuses it (the adapted file is kept at {}): {}",
                                 s.proxy.config, command_text(spec), plan.proxy_config, why)};
    }
  }
  // Kept only when the proxy's checker refused a file it was given, for the user to read.
  std::error_code ec;
  if (result || !prepared.error.empty()) std::filesystem::remove_all(dir, ec);
  return result;
}

}  // namespace sc
