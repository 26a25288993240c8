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
  specs_.push_back(spec);  // (a restart keeps its one entry here: one log per child)
  return ok_status();
}

Supervisor::Entry* Supervisor::running(const std::string& name) {
  for (auto& c : children_) {
    if (c.spec.name != name) continue;
    if (!c.status) c.status = c.process->poll_exit();
    if (!c.status) return &c;
  }
  return nullptr;
}

Status Supervisor::signal(const std::string& name, int sig, bool expect_exit) {
  Entry* c = running(name);
  if (!c) return Error{fmt::format("{} is not running", name)};
  c->exit_expected = c->exit_expected || expect_exit;
  c->process->send_signal(sig);
  return ok_status();
}

Status Supervisor::kill(const std::string& name) {
  Entry* c = running(name);
  if (!c) return Error{fmt::format("{} is not running", name)};
  c->exit_expected = true;
  c->process->send_signal(SIGKILL);
  c->process->send_signal(SIGCONT);  // a stopped child dies only once it runs
  // SIGKILL cannot be ignored: the child is gone within moments.
  while (!(c->status = c->process->poll_exit())) sleep_(std::chrono::milliseconds(1));
  return ok_status();
}

Status Supervisor::restart(const std::string& name) {
  Entry* c = running(name);
  if (!c) return Error{fmt::format("{} is not running", name)};
  const ChildSpec spec = c->spec;
  if (auto st = kill(name); !st) return st;
  auto child = launcher_.launch(spec);
  if (!child) return child.error();
  children_.push_back(Entry{spec, std::move(*child), std::nullopt});
  return ok_status();
}

std::optional<std::string> Supervisor::check_exited() {
  for (auto& c : children_) {
    if (!c.status) c.status = c.process->poll_exit();
    if (c.status && !c.exit_expected) return fmt::format("{} {}", c.spec.name, describe_wait_status(*c.status));
  }
  return std::nullopt;
}

bool Supervisor::is_running(const std::string& name) { return running(name) != nullptr; }

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
