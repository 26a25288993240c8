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
  c->process->signal_group(SIGKILL);  // what it started goes too: it would hold the port
  c->process->signal_group(SIGCONT);  // a stopped child dies only once it runs
  // SIGKILL cannot be ignored: the child is gone within moments.
  while (!(c->status = c->process->poll_exit())) sleep_(std::chrono::milliseconds(1));
  const auto step = std::chrono::milliseconds(10);
  for (auto waited = std::chrono::milliseconds(0);
       waited < kKilledGroupDeadline && !(c->group_gone = !c->process->group_alive());
       waited += step)
    sleep_(step);
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

bool Supervisor::groups_alive() {
  bool alive = false;
  for (auto& c : children_) {
    if (!c.status) c.status = c.process->poll_exit();
    if (!c.group_gone) c.group_gone = !c.process->group_alive();
    alive = alive || !c.group_gone;
  }
  return alive;
}

bool Supervisor::wait_groups_gone(std::chrono::milliseconds limit) {
  const auto step = std::chrono::milliseconds(10);
  for (auto waited = std::chrono::milliseconds(0); waited < limit; waited += step) {
    if (!groups_alive()) return true;
    sleep_(step);
  }
  return !groups_alive();
}

// Each child's whole process group: a proxy's workers, a shell's children, are stopped with
// their leader even when the leader has already exited.
void Supervisor::stop_all(std::chrono::milliseconds grace) {
  for (auto& c : children_) {
    if (c.group_gone || (c.group_gone = !c.process->group_alive())) continue;
    c.process->signal_group(SIGTERM);
    c.process->signal_group(SIGCONT);  // a stopped child must run to act on SIGTERM
  }
  if (wait_groups_gone(grace)) return;
  for (auto& c : children_)
    if (!c.group_gone) c.process->signal_group(SIGKILL);
  // SIGKILL cannot be ignored; reap the leaders without a deadline so nothing is left behind.
  // A member beyond this user's reach (it changed user) is waited for a bounded time only.
  while (!live_pids().empty()) sleep_(std::chrono::milliseconds(10));
  wait_groups_gone(kKilledGroupDeadline);
}

}  // namespace sc
