#include "runner/supervisor.hpp"

#include <fmt/format.h>
#include <signal.h>

#include <thread>

namespace sc {

Supervisor::Supervisor(ProcessLauncher& launcher, Sleep sleep)
    : launcher_(launcher), sleep_(std::move(sleep)) {
  if (!sleep_) sleep_ = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
}

Supervisor::~Supervisor() { stop_all(); }

Status Supervisor::start(const ChildSpec& spec) {
  auto child = launcher_.launch(spec);
  if (!child) return child.error();
  children_.push_back(Entry{spec, std::move(*child), std::nullopt});
  specs_.push_back(spec);
  return ok_status();
}

std::optional<std::string> Supervisor::check_exited() {
  for (auto& c : children_) {
    if (!c.status) c.status = c.process->poll_exit();
    if (c.status) return fmt::format("{} {}", c.spec.name, describe_wait_status(*c.status));
  }
  return std::nullopt;
}

bool Supervisor::is_running(const std::string& name) {
  for (auto& c : children_) {
    if (c.spec.name != name) continue;
    if (!c.status) c.status = c.process->poll_exit();
    return !c.status;
  }
  return false;
}

std::vector<int> Supervisor::live_pids() {
  std::vector<int> pids;
  for (auto& c : children_) {
    if (!c.status) c.status = c.process->poll_exit();
    if (!c.status) pids.push_back(c.process->pid());
  }
  return pids;
}

void Supervisor::stop_all(std::chrono::milliseconds grace) {
  for (auto& c : children_) {
    if (c.status || (c.status = c.process->poll_exit())) continue;
    c.process->send_signal(SIGTERM);
    c.process->send_signal(SIGCONT);  // a stopped child must run to act on SIGTERM
  }
  const auto step = std::chrono::milliseconds(10);
  for (auto waited = std::chrono::milliseconds(0); waited < grace; waited += step) {
    if (live_pids().empty()) return;
    sleep_(step);
  }
  for (auto& c : children_)
    if (!c.status) c.process->send_signal(SIGKILL);
  // SIGKILL cannot be ignored; reap without a deadline so nothing is left behind.
  while (!live_pids().empty()) sleep_(step);
}

}  // namespace sc
