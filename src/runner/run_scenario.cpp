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
#include "lint/lint_run.hpp"
#include "runner/disturbance_actions.hpp"
#include "runner/launch_plan.hpp"
#include "runner/ports.hpp"
#include "runner/proxy_check.hpp"
#include "runner/proxy_prepare.hpp"
#include "runner/proxy_version.hpp"
#include "runner/scenario_results.hpp"
#include "runner/supervisor.hpp"
#include "scenario/scenario_shard.hpp"
#include "proxies/proxy_kinds.hpp"
#include "util/stopwatch.hpp"
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
  std::string wait_accepting(std::vector<const PlannedChild*> pending);
  std::string drive_traffic();
  std::string with_first_error(const std::string& failure) const;
  std::string proxy_version() const;
  void add_report_parts(ScenarioReport& report) const;
  RunEvidence evidence() const;
  // The host the sessions ask for: traffic.host, else the name the configuration serves.
  const std::string& site_host() const {
    return s_.traffic.host.empty() ? plan_.site_host : s_.traffic.host;
  }
  void clean_up();

  const Scenario& s_;
  const RunContext& ctx_;
  Supervisor sup_;
  std::string dir_;
  LaunchPlan plan_;
  bool skipped_ = false;  // the proxy is not installed, outside CI
  RecordSet records_;
  std::vector<FiredDisturbance> fired_;
  std::vector<std::string> notes_;  // what adapting the proxy's configuration changed
  std::string client_;              // which HTTP client the driver used
  std::int64_t started_unix_us_ = 0;  // the traffic's time 0
  ContractReader reader_;
};

ScenarioReport ScenarioRun::run() {
  ScenarioReport report;
  report.scenario = s_;
  report.scenario.traffic.threads = driver_threads(s_.traffic.threads);  // as run
  report.lint = lint_scenario_config(s_.proxy.type, s_.proxy.config);
  Stopwatch clock;
  auto& t = report.timings;
  std::string failure = prepare();
  // The site as the sessions reach it: the path and host taken from the configuration when
  // the scenario names none (the notes say so).
  report.scenario.traffic.host = site_host();
  if (!plan_.site_path.empty()) report.scenario.traffic.path = plan_.site_path;
  const bool started = failure.empty() && (failure = start()).empty();
  if (started) failure = with_first_error(wait_ready());
  t.startup_s = clock.lap();
  if (started && failure.empty()) failure = drive_traffic();
  t.traffic_s = clock.lap();
  sup_.stop_all();
  t.teardown_s = clock.lap();
  report.fingerprint = scenario_fingerprint(s_);
  if (!dir_.empty()) {
    report.evidence = evidence();
    report.started_unix_us = started_unix_us_;
    collect_results(s_, records_, std::move(fired_), failure, skipped_, report, report.evidence);
    t.checks_s = clock.lap();
    add_report_parts(report);
    t.report_s = clock.lap();
  } else {
    report.error = failure;  // nothing ran: no figures
  }
  clean_up();
  t.teardown_s += clock.lap();
  t.peak_rss_bytes = peak_rss_bytes();
  report.duration_s = clock.total();
  report.client = client_;
  return report;
}

// What the report says besides the figures: the cookies seen, the proxy's version and
// configuration, and the children's last words when the scenario did not pass.
void ScenarioRun::add_report_parts(ScenarioReport& report) const {
  report.cookies = cookie_observations(reader_.cookies(), "");
  report.proxy_version = proxy_version();
  report.proxy_config_path = s_.proxy.config;
  report.proxy_config_notes = notes_;
  if (!plan_.proxy_config.empty())
    report.proxy_config = read_text_file(plan_.proxy_config).value_or("");
  if (report.verdict != ScenarioVerdict::kPass && report.verdict != ScenarioVerdict::kSkipped)
    for (const auto& spec : sup_.specs())
      report.logs.push_back({spec.name, read_tail(spec.log_path)});
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
  auto prepared = prepare_proxy(s_, ctx_.self_exe, dir_, plan_, *ctx_.launcher);
  skipped_ = prepared.missing && !ctx_.ci;
  notes_ = std::move(prepared.notes);
  if (ctx_.status)
    for (const auto& note : notes_) ctx_.status(fmt::format("{}: {}", s_.name, note));
  return prepared.error;
}

// The backends first; the proxy only once they accept connections, as in a deployment: a
// proxy's first health check must not find a backend still starting (with HAProxy's
// `fall 1 rise 2 inter 60s` that backend would stay DOWN for the whole run).
std::string ScenarioRun::start() {
  std::vector<const PlannedChild*> backends;
  for (const auto& b : plan_.backends) {
    if (!b.start) continue;
    if (auto st = sup_.start(b.spec); !st) return st.error().message;
    backends.push_back(&b);
  }
  if (auto why = with_first_error(wait_accepting(std::move(backends))); !why.empty()) return why;
  if (plan_.proxy.start)
    if (auto st = sup_.start(plan_.proxy.spec); !st) return st.error().message;
  return "";
}

// The proxy accepts connections (the backends already do: start()); an external proxy's URL
// is reachable.
std::string ScenarioRun::wait_ready() {
  if (plan_.proxy.start)
    if (auto why = wait_accepting({&plan_.proxy}); !why.empty()) return why;
  if (s_.proxy.type != "external") return "";
  if (auto why = check_reachable(plan_.proxy_url, s_.startup_timeout); !why.empty())
    return fmt::format("the external proxy at {} cannot be reached: {}", plan_.proxy_url, why);
  return "";
}

// Until every child in `pending` accepts connections on its port, a child dies, the user
// interrupts, or the scenario's start-up deadline passes.
std::string ScenarioRun::wait_accepting(std::vector<const PlannedChild*> pending) {
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
  return "";
}

// The traffic, with the disturbances fired from the driver's tick.
std::string ScenarioRun::drive_traffic() {
  if (ctx_.status)
    ctx_.status(fmt::format(
        "{}: {} sessions x {} {} through {} ({})", s_.name, s_.traffic.sessions,
        s_.traffic.requests_per_session,
        s_.traffic.protocol == SessionProtocol::kSocketIo
            ? fmt::format("socket.io events ({})", to_string(s_.traffic.transports))
        : s_.traffic.protocol == SessionProtocol::kWebSocket ? std::string("WebSocket messages")
                                                             : std::string("requests"),
        plan_.proxy_url, s_.proxy.type));
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
  config.client.cacert = plan_.proxy_cacert;
  if (!plan_.site_path.empty()) config.paths = {plan_.site_path};
  if (const auto host = site_host(); !host.empty()) {
    auto url = aim_at_host(plan_.proxy_url, host, config.client);
    if (!url) return url.error().message;
    config.base_url = *url;
  }
  auto outcome = drive(config, reader_, hooks);
  records_ = std::move(outcome.records);
  client_ = outcome.client;
  started_unix_us_ = outcome.started_unix_us;
  fired_ = schedule.fired();
  if (!outcome.setup_error.empty()) return outcome.setup_error;
  return outcome.stopped ? outcome.stop_reason : "";
}

// Where the clients sent their requests, the cookies they received and the proxy's log: what
// the causes are checked against.
RunEvidence ScenarioRun::evidence() const {
  RunEvidence ev;
  ev.scheme = plan_.proxy_url.substr(0, plan_.proxy_url.find(':'));
  ev.host = site_host().empty() ? url_host(plan_.proxy_url) : site_host();
  const auto& path = plan_.site_path.empty() ? s_.traffic.path : plan_.site_path;
  ev.path = path.substr(0, path.find('?'));
  ev.set_cookies = set_cookie_lines(reader_.cookies());
  ev.cookies_captured = true;
  ev.redirect_example = reader_.redirect_example();
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

// "proxy (apache) exited with status 1 before it was ready" + the first line that says why
// (not the summary httpd writes after it).
std::string ScenarioRun::with_first_error(const std::string& failure) const {
  for (const auto& spec : sup_.specs()) {
    if (!failure.starts_with(spec.name + " ")) continue;
    const std::string why = first_error_line(read_text_file(spec.log_path).value_or(""));
    if (!why.empty()) return fmt::format("{}: \"{}\"", failure, why);
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
  try {
    ScenarioRun run(s, ctx);
    return run.run();
  } catch (const std::bad_alloc&) {
    // The run's destructor has stopped the children and removed the runtime directory while
    // the exception left the try block; what it held is free again for this report.
    ScenarioReport report;
    report.scenario = s;
    report.verdict = ScenarioVerdict::kError;
    report.error = fmt::format(
        "out of memory during the run ({} sessions x {} requests); the processes were stopped "
        "and the runtime directory removed; run fewer sessions or requests per session",
        s.traffic.sessions, s.traffic.requests_per_session);
    return report;
  }
}

}  // namespace sc
