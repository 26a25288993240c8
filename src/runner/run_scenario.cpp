#include "runner/run_scenario.hpp"

#include <fmt/format.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "contract/contract_reader.hpp"
#include "driver/driver.hpp"
#include "runner/disturbance_actions.hpp"
#include "runner/launch_plan.hpp"
#include "runner/ports.hpp"
#include "runner/proxy_prepare.hpp"
#include "runner/proxy_version.hpp"
#include "runner/scenario_results.hpp"
#include "runner/supervisor.hpp"
#include "scenario/proxy_kinds.hpp"
#include "util/text.hpp"

namespace sc {

namespace {

constexpr std::size_t kLogTailBytes = 4000;
constexpr std::size_t kLogScanBytes = 1 << 20;  // the proxy log read for causes, from its end

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

std::vector<std::string> read_lines(const std::string& path, std::size_t max_bytes) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return {};
  const auto size = static_cast<std::size_t>(in.tellg());
  in.seekg(static_cast<std::streamoff>(size > max_bytes ? size - max_bytes : 0));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(std::move(line));
  return lines;
}

// One scenario's life, as a sequence of named steps: prepare (ports, runtime directory, plan,
// the proxy's configuration) -> start (backends, then the proxy) -> wait ready -> drive (the
// disturbances fire from its tick) -> stop -> collect (figures, checks, verdict) -> clean up.
// Each step returns why the run cannot go on (empty: go on).
class ScenarioRun {
 public:
  ScenarioRun(const Scenario& s, const RunContext& ctx)
      : s_(s), ctx_(ctx), sup_(*ctx.launcher), reader_(s.proxy.sticky_cookie()) {}
  ~ScenarioRun() { clean_up(); }
  ScenarioReport run();

 private:
  std::string prepare();
  std::string start();
  std::string wait_ready();
  std::string drive_traffic();
  std::string with_last_output(const std::string& failure) const;
  std::string proxy_version() const;
  RunEvidence evidence() const;
  void clean_up();

  const Scenario& s_;
  const RunContext& ctx_;
  Supervisor sup_;
  std::string dir_;
  LaunchPlan plan_;
  bool skipped_ = false;  // the proxy is not installed, outside CI
  RecordSet records_;
  std::vector<FiredDisturbance> fired_;
  ContractReader reader_;
};

ScenarioReport ScenarioRun::run() {
  ScenarioReport report;
  report.scenario = s_;
  const auto t0 = std::chrono::steady_clock::now();
  std::string failure = prepare();
  const bool started = failure.empty() && (failure = start()).empty();
  if (started) failure = with_last_output(wait_ready());
  if (started && failure.empty()) failure = drive_traffic();
  sup_.stop_all();
  if (!dir_.empty()) {
    collect_results(s_, records_, std::move(fired_), failure, skipped_, report, evidence());
    report.cookies = cookie_observations(reader_.cookies(), "");
    report.proxy_version = proxy_version();
    report.proxy_config_path = s_.proxy.config;
    if (!plan_.proxy_config.empty())
      report.proxy_config = read_text_file(plan_.proxy_config).value_or("");
    if (report.verdict == ScenarioVerdict::kFail || report.verdict == ScenarioVerdict::kError)
      for (const auto& spec : sup_.specs())
        report.logs.push_back({spec.name, read_tail(spec.log_path)});
  } else {
    report.error = failure;  // nothing ran: no figures
  }
  clean_up();
  report.duration_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return report;
}

std::string ScenarioRun::prepare() {
  auto ports = allocate_loopback_ports(s_.backends.size() + 1);
  if (!ports) return ports.error().message;
  std::string templ = ctx_.runtime_root + "/stickycheck.XXXXXX";
  if (!::mkdtemp(templ.data()))
    return fmt::format("cannot create a runtime directory under {}", ctx_.runtime_root);
  dir_ = templ;
  plan_ = make_launch_plan(s_, ctx_.self_exe, dir_, *ports);
  // An external run starts nothing: the scenario's backends are already behind the proxy.
  if (s_.proxy.type == "external")
    for (auto& b : plan_.backends) b.start = false;
  auto prepared = prepare_proxy(s_, ctx_.self_exe, dir_, plan_);
  skipped_ = prepared.missing && !ctx_.ci;
  return prepared.error;
}

std::string ScenarioRun::start() {
  for (const auto& b : plan_.backends) {
    if (!b.start) continue;
    if (auto st = sup_.start(b.spec); !st) return st.error().message;
  }
  if (plan_.proxy.start)
    if (auto st = sup_.start(plan_.proxy.spec); !st) return st.error().message;
  return "";
}

// Until every planned port accepts connections, a child dies, the user interrupts, or the
// deadline passes; then, for an external proxy, until its URL accepts a connection.
std::string ScenarioRun::wait_ready() {
  std::vector<const PlannedChild*> pending;
  for (const auto& b : plan_.backends)
    if (b.start) pending.push_back(&b);
  if (plan_.proxy.start) pending.push_back(&plan_.proxy);
  const auto deadline = std::chrono::steady_clock::now() + s_.startup_timeout;
  while (!pending.empty()) {
    if (ctx_.interrupted && ctx_.interrupted()) return "interrupted";
    if (auto dead = sup_.check_exited()) return *dead + " before it was ready";
    std::erase_if(pending, [](const PlannedChild* c) { return port_accepts(c->port); });
    if (pending.empty()) break;
    if (std::chrono::steady_clock::now() > deadline)
      return fmt::format("{} did not accept connections on 127.0.0.1:{} within {} ms",
                         pending.front()->spec.name, pending.front()->port,
                         s_.startup_timeout.count());
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (s_.proxy.type != "external") return "";
  if (auto why = check_reachable(plan_.proxy_url, s_.startup_timeout); !why.empty())
    return fmt::format("the external proxy at {} cannot be reached: {}", plan_.proxy_url, why);
  return "";
}

// The traffic, with the disturbances fired from the driver's tick.
std::string ScenarioRun::drive_traffic() {
  if (ctx_.status)
    ctx_.status(fmt::format("{}: {} sessions x {} requests through {} ({})", s_.name,
                            s_.traffic.sessions, s_.traffic.requests_per_session, plan_.proxy_url,
                            s_.proxy.type));
  const std::size_t total_requests = static_cast<std::size_t>(s_.traffic.sessions) *
                                     static_cast<std::size_t>(s_.traffic.requests_per_session);
  DisturbanceSchedule schedule(s_.disturbances, total_requests);
  ProcessDisturbances actions(sup_, plan_, s_);
  DriverHooks hooks;
  hooks.should_stop = [&]() -> std::string {
    if (ctx_.interrupted && ctx_.interrupted()) return std::string(kInterruptedReason);
    if (auto dead = sup_.check_exited()) return *dead + " during the traffic";
    return "";
  };
  hooks.progress = ctx_.progress;
  if (!s_.disturbances.empty())
    hooks.tick = [&](std::size_t done, std::chrono::microseconds elapsed) {
      const auto entry = std::chrono::steady_clock::now();
      schedule.tick(done, elapsed, actions, [&] {
        return elapsed + std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::steady_clock::now() - entry);
      });
    };
  DriverConfig config = driver_config_for(s_, plan_.proxy_url, ctx_.wake_fd);
  if (!s_.traffic.host.empty()) {
    auto url = aim_at_host(plan_.proxy_url, s_.traffic.host, config.client);
    if (!url) return url.error().message;
    config.base_url = *url;
  }
  auto outcome = drive(config, reader_, hooks);
  records_ = std::move(outcome.records);
  fired_ = schedule.fired();
  if (!outcome.setup_error.empty()) return outcome.setup_error;
  return outcome.stopped ? outcome.stop_reason : "";
}

// Where the clients sent their requests, the cookies they received and the proxy's log: what
// the causes are checked against.
RunEvidence ScenarioRun::evidence() const {
  RunEvidence ev;
  ev.scheme = plan_.proxy_url.substr(0, plan_.proxy_url.find(':'));
  ev.host = s_.traffic.host.empty() ? url_host(plan_.proxy_url) : s_.traffic.host;
  ev.path = s_.traffic.path.substr(0, s_.traffic.path.find('?'));
  ev.set_cookies = set_cookie_lines(reader_.cookies());
  ev.cookies_captured = true;
  if (plan_.proxy.start) ev.proxy_log = read_lines(plan_.proxy.spec.log_path, kLogScanBytes);
  return ev;
}

// The real proxy's own words ("Server version: Apache/2.4.62 (Debian)"); the reference
// balancer is this stickycheck.
std::string ScenarioRun::proxy_version() const {
  if (s_.proxy.type == "reference") return "stickycheck balancer " STICKYCHECK_VERSION;
  const ProxyKind* kind = find_proxy_kind(s_.proxy.type);
  if (!kind || kind->version_arg.empty() || !plan_.proxy.start || plan_.proxy.spec.exe.empty())
    return "";
  return ask_version(*ctx_.launcher, plan_.proxy.spec.exe, std::string(kind->version_arg),
                     dir_ + "/proxy-version.log");
}

// "proxy (caddy) exited with status 1 before it was ready" + the last line it wrote, which
// is usually its own reason.
std::string ScenarioRun::with_last_output(const std::string& failure) const {
  for (const auto& spec : sup_.specs()) {
    if (!failure.starts_with(spec.name + " ")) continue;
    std::string tail = read_tail(spec.log_path);
    auto nl = tail.rfind('\n');
    std::string last = nl == std::string::npos ? tail : tail.substr(nl + 1);
    if (!trim(last).empty()) return fmt::format("{}: \"{}\"", failure, trim(last));
  }
  return failure;
}

void ScenarioRun::clean_up() {
  if (dir_.empty()) return;
  sup_.stop_all();
  if (!ctx_.keep_runtime) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  } else if (ctx_.status) {
    ctx_.status(fmt::format("{}: runtime directory kept at {}", s_.name, dir_));
  }
  dir_.clear();
}

}  // namespace

ScenarioReport run_scenario(const Scenario& s, const RunContext& ctx) {
  ScenarioRun run(s, ctx);
  return run.run();
}

}  // namespace sc
