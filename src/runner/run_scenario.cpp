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
#include "checks/timeline.hpp"
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
  if (plan.proxy.start) pending.push_back(&plan.proxy);
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

// PATH, then the sbin directories a non-root PATH often lacks (apache2, nginx live there).
std::string find_in_path(const std::string& exe) {
  if (exe.find('/') != std::string::npos) return ::access(exe.c_str(), X_OK) == 0 ? exe : "";
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  dirs += ":/usr/local/sbin:/usr/sbin:/sbin";
  for (auto dir : split(dirs, ':')) {
    std::string candidate = std::string(dir) + "/" + exe;
    if (!dir.empty() && ::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

struct Prepared {
  std::string error;     // empty: ready to start
  bool missing = false;  // the proxy's executable is not installed
};

// Renders the proxy's configuration template and command line for this run's ports and
// finds its executable. Nothing is started yet, so a failure here leaves nothing behind.
Prepared prepare_proxy(const Scenario& s, const RunContext& ctx, const std::string& dir,
                       LaunchPlan& plan) {
  TemplateValues values;
  values.listen_port = plan.proxy.port;
  values.runtime_dir = dir;
  for (std::size_t i = 0; i < s.backends.size(); ++i)
    values.backends.push_back({s.backends[i].options.name, s.backends[i].options.route,
                               plan.backends[i].port, fmt::format("{}", s.backends[i].weight)});
  if (!plan.proxy_config.empty()) {
    auto text = read_text_file(s.proxy.config);
    if (!text) return {fmt::format("cannot read the configuration template {}", s.proxy.config)};
    auto rendered = render_config_template(*text, s.proxy.config, values);
    if (!rendered) return {rendered.error().message};
    std::ofstream out(plan.proxy_config, std::ios::binary);
    out << *rendered;
    if (!out) return {fmt::format("cannot write {}", plan.proxy_config)};
  }
  if (plan.render_command) {
    values.extra.push_back({"stickycheck", ctx.self_exe});
    if (!plan.proxy_config.empty()) values.extra.push_back({"config", plan.proxy_config});
    std::vector<std::string> argv;
    for (std::size_t i = 0; i < s.proxy.command.size(); ++i) {
      auto args = render_template_line(s.proxy.command[i], values);
      if (!args) return {fmt::format("proxy.command[{}]: {}", i, args.error().message)};
      argv.insert(argv.end(), args->begin(), args->end());
    }
    plan.proxy.spec.exe = argv.front();
    plan.proxy.spec.args.assign(argv.begin() + 1, argv.end());
  }
  if (!plan.proxy.start) return {};
  const std::string exe = find_in_path(plan.proxy.spec.exe);
  if (exe.empty()) {
    if (plan.install_hint.empty())
      return {fmt::format("{}: {} is not an executable file, nor found in PATH",
                          plan.proxy.spec.name, plan.proxy.spec.exe),
              true};
    return {fmt::format("{} is not installed (install it with: {})", plan.proxy.spec.exe,
                        plan.install_hint),
            true};
  }
  plan.proxy.spec.exe = exe;
  return {};
}

// "proxy (caddy) exited with status 1 before it was ready" + the last line it wrote, which
// is usually its own reason.
std::string with_last_output(const std::string& failure, const Supervisor& sup) {
  for (const auto& spec : sup.specs()) {
    if (!failure.starts_with(spec.name + " ")) continue;
    std::string tail = read_tail(spec.log_path);
    auto nl = tail.rfind('\n');
    std::string last = nl == std::string::npos ? tail : tail.substr(nl + 1);
    if (!trim(last).empty()) return fmt::format("{}: \"{}\"", failure, trim(last));
  }
  return failure;
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
  const bool external = s.proxy.type == "external";
  // An external run starts nothing: the scenario's backends are already behind the proxy.
  if (external)
    for (auto& b : plan.backends) b.start = false;

  {
    Supervisor sup(*ctx.launcher);
    auto prepared = prepare_proxy(s, ctx, dir, plan);
    std::string failure = prepared.error;
    const bool skipped = prepared.missing && !ctx.ci;
    for (const auto& b : plan.backends) {
      if (!failure.empty()) break;
      if (!b.start) continue;
      if (auto st = sup.start(b.spec); !st) failure = st.error().message;
    }
    if (failure.empty() && plan.proxy.start) {
      if (auto st = sup.start(plan.proxy.spec); !st) failure = st.error().message;
    }
    if (failure.empty())
      failure = with_last_output(wait_ready(plan, sup, s.startup_timeout, ctx), sup);
    if (failure.empty() && external) {
      if (auto why = check_reachable(plan.proxy_url, s.startup_timeout); !why.empty())
        failure =
            fmt::format("the external proxy at {} cannot be reached: {}", plan.proxy_url, why);
    }

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
      dc.cookieless_share = s.traffic.cookieless_share;
      dc.connection_per_request = s.traffic.connection_per_request;
      dc.source_per_session = s.traffic.source_per_session;
      dc.seed = s.traffic.seed;
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
    std::vector<double> weights;
    for (const auto& b : s.backends) weights.push_back(b.weight);
    report.charts = compute_chart_figures(records, report.metrics, weights);
    report.proxy_config_path = s.proxy.config;
    if (!plan.proxy_config.empty())
      report.proxy_config = read_text_file(plan.proxy_config).value_or("");
    if (failure.empty()) {
      report.evaluation = evaluate(s, report.metrics);
      add_failover_checks(s, report.disturbances, report.failover, report.evaluation);
      bool ok = true;
      for (const auto& c : report.evaluation.checks) ok = ok && c.verdict != Verdict::kFail;
      report.verdict = ok ? ScenarioVerdict::kPass : ScenarioVerdict::kFail;
    } else {
      report.error = failure;
      report.verdict = skipped ? ScenarioVerdict::kSkipped : ScenarioVerdict::kError;
    }
    if (report.verdict == ScenarioVerdict::kFail || report.verdict == ScenarioVerdict::kError)
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
