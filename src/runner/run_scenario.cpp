#include "runner/run_scenario.hpp"

#include <fmt/format.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "checks/metrics.hpp"
#include "driver/driver.hpp"
#include "runner/disturbance_actions.hpp"
#include "runner/launch_plan.hpp"
#include "runner/ports.hpp"
#include "runner/config_template.hpp"
#include "runner/supervisor.hpp"
#include "util/text.hpp"

namespace sc {

namespace {

constexpr std::size_t kLogTailBytes = 4000;

std::string read_tail(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::ostringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  if (text.size() > kLogTailBytes) text = "..." + text.substr(text.size() - kLogTailBytes);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

std::string make_runtime_dir(const std::string& root) {
  std::string templ = root + "/stickycheck.XXXXXX";
  if (!::mkdtemp(templ.data())) return "";
  return templ;
}

// Waits until every planned port accepts connections, a child dies, the user interrupts,
// or the deadline passes. Returns an error text, empty on success.
std::string wait_ready(const LaunchPlan& plan, Supervisor& sup, std::chrono::milliseconds timeout,
                       const RunContext& ctx) {
  std::vector<const PlannedChild*> pending;
  for (const auto& b : plan.backends)
    if (b.start) pending.push_back(&b);
  pending.push_back(&plan.proxy);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pending.empty()) {
    if (ctx.interrupted && ctx.interrupted()) return "interrupted";
    if (auto dead = sup.check_exited()) return *dead + " before it was ready";
    std::erase_if(pending, [](const PlannedChild* c) { return port_accepts(c->port); });
    if (pending.empty()) break;
    if (std::chrono::steady_clock::now() > deadline)
      return fmt::format("{} did not accept connections on 127.0.0.1:{} within {} ms",
                         pending.front()->spec.name, pending.front()->port, timeout.count());
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return "";
}

std::string find_in_path(const std::string& exe) {
  if (exe.find('/') != std::string::npos) return exe;
  const char* path = std::getenv("PATH");
  for (auto dir : split(path ? path : "/usr/sbin:/usr/bin:/sbin:/bin", ':')) {
    std::string candidate = std::string(dir) + "/" + exe;
    if (!dir.empty() && ::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

// A real proxy: its executable must be installed and its template renders into the runtime
// directory. Returns an error text, empty on success.
std::string prepare_real_proxy(const Scenario& s, LaunchPlan& plan) {
  if (plan.proxy_config.empty()) return "";
  const std::string exe = find_in_path(plan.proxy.spec.exe);
  if (exe.empty())
    return fmt::format("{} is not installed (install it with: {})", plan.proxy.spec.exe,
                       plan.install_hint);
  plan.proxy.spec.exe = exe;
  auto text = read_text_file(s.proxy.config);
  if (!text) return fmt::format("cannot read the configuration template {}", s.proxy.config);
  TemplateValues values;
  values.listen_port = plan.proxy.port;
  values.runtime_dir = std::filesystem::path(plan.proxy_config).parent_path().string();
  for (std::size_t i = 0; i < s.backends.size(); ++i)
    values.backends.push_back({s.backends[i].options.name, s.backends[i].options.route,
                               plan.backends[i].port, fmt::format("{}", s.backends[i].weight)});
  auto rendered = render_config_template(*text, s.proxy.config, values);
  if (!rendered) return rendered.error().message;
  std::ofstream out(plan.proxy_config, std::ios::binary);
  out << *rendered;
  if (!out) return fmt::format("cannot write {}", plan.proxy_config);
  return "";
}

}  // namespace

ScenarioReport run_scenario(const Scenario& s, const RunContext& ctx) {
  ScenarioReport report;
  report.scenario = s;
  const auto t0 = std::chrono::steady_clock::now();
  auto finish = [&]() -> ScenarioReport& {
    report.duration_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return report;
  };

  auto ports = allocate_loopback_ports(s.backends.size() + 1);
  if (!ports) {
    report.error = ports.error().message;
    return finish();
  }
  const std::string dir = make_runtime_dir(ctx.runtime_root);
  if (dir.empty()) {
    report.error = fmt::format("cannot create a runtime directory under {}", ctx.runtime_root);
    return finish();
  }
  LaunchPlan plan = make_launch_plan(s, ctx.self_exe, dir, *ports);

  {
    Supervisor sup(*ctx.launcher);
    std::string failure;
    for (const auto& b : plan.backends) {
      if (!b.start) continue;
      if (auto st = sup.start(b.spec); !st) failure = st.error().message;
      if (!failure.empty()) break;
    }
    if (failure.empty()) failure = prepare_real_proxy(s, plan);
    if (failure.empty()) {
      if (auto st = sup.start(plan.proxy.spec); !st) failure = st.error().message;
    }
    if (failure.empty()) failure = wait_ready(plan, sup, s.startup_timeout, ctx);

    RecordSet records;
    const std::size_t total_requests = static_cast<std::size_t>(s.traffic.sessions) *
                                       static_cast<std::size_t>(s.traffic.requests_per_session);
    DisturbanceSchedule schedule(s.disturbances, total_requests);
    ProcessDisturbances actions(sup, plan, s);
    if (failure.empty()) {
      if (ctx.status)
        ctx.status(fmt::format("{}: {} sessions x {} requests through {} ({})", s.name,
                               s.traffic.sessions, s.traffic.requests_per_session, plan.proxy_url,
                               s.proxy.type));
      DriverConfig dc;
      dc.base_url = plan.proxy_url;
      dc.path = s.traffic.path;
      dc.sessions = s.traffic.sessions;
      dc.requests_per_session = s.traffic.requests_per_session;
      dc.concurrency = s.traffic.concurrency;
      dc.request_timeout = s.traffic.request_timeout;
      dc.pause = s.traffic.pause;
      dc.watch_cookie = s.proxy.sticky_cookie();
      dc.wake_fd = ctx.wake_fd;
      auto outcome = drive(
          dc,
          [&]() -> std::string {
            if (ctx.interrupted && ctx.interrupted()) return "interrupted";
            if (auto dead = sup.check_exited()) return *dead + " during the traffic";
            return "";
          },
          {},
          s.disturbances.empty() ? DriverTick{}
                                 : [&](std::size_t done, std::chrono::microseconds elapsed) {
                                     const auto entry = std::chrono::steady_clock::now();
                                     schedule.tick(done, elapsed, actions, [&] {
                                       return elapsed +
                                              std::chrono::duration_cast<std::chrono::microseconds>(
                                                  std::chrono::steady_clock::now() - entry);
                                     });
                                   });
      if (!outcome.setup_error.empty()) failure = outcome.setup_error;
      else if (outcome.stopped) failure = outcome.stop_reason;
      records = std::move(outcome.records);
    }
    sup.stop_all();

    std::vector<std::string> names;
    for (const auto& b : s.backends) names.push_back(b.options.name);
    report.disturbances = schedule.fired();
    report.failover = compute_failover(records, report.disturbances);
    report.metrics = compute_metrics(records, names, s.proxy.separator(),
                                     disturbed_sessions(records, report.disturbances));
    if (failure.empty()) {
      report.evaluation = evaluate(s, report.metrics);
      add_failover_checks(s, report.disturbances, report.failover, report.evaluation);
      bool ok = true;
      for (const auto& c : report.evaluation.checks) ok = ok && c.verdict != Verdict::kFail;
      report.verdict = ok ? ScenarioVerdict::kPass : ScenarioVerdict::kFail;
    } else {
      report.error = failure;
      report.verdict = ScenarioVerdict::kError;
    }
    if (report.verdict != ScenarioVerdict::kPass)
      for (const auto& spec : sup.specs()) report.logs.push_back({spec.name, read_tail(spec.log_path)});
  }
  if (!ctx.keep_runtime) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  } else if (ctx.status) {
    ctx.status(fmt::format("{}: runtime directory kept at {}", s.name, dir));
  }
  return finish();
}

}  // namespace sc
