// What a SIGKILLed stickycheck leaves running (PR_SET_PDEATHSIG reaches only its direct
// children) is stopped by the next run, which says so; and a normal teardown stops a
// proxy's whole process group, a shell's grandchild included.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "harness.hpp"
#include "process/proc_stat.hpp"
#include "process/run_registry.hpp"

namespace sc::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A state directory of the test's own (XDG_RUNTIME_DIR), so no other run's files are reaped.
std::string private_state_root(const std::string& name) {
  const std::string root = temp_path(name);
  fs::remove_all(root);
  fs::create_directories(root);
  fs::permissions(root, fs::perms::owner_all, fs::perm_options::replace);
  return root;
}

// The process group of the child named `name_prefix...` that run `pid` recorded; 0 if none.
int recorded_group(const std::string& state_dir, int pid, const std::string& name_prefix) {
  const std::string text = read_file(state_dir + "/run-" + std::to_string(pid) + ".groups");
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream f(line);
    std::string kind, name;
    int pgid = 0;
    unsigned long long start = 0;
    f >> kind >> pgid >> start;
    std::getline(f, name);
    if (kind == "group" && name.starts_with(" " + name_prefix)) return pgid;
  }
  return 0;
}

// Runs `scenario` until its proxy answers (the traffic has started), then SIGKILLs
// stickycheck; returns the proxy's process group.
int proxy_group_of_killed_run(const std::string& scenario, const std::string& root) {
  CliProcess p({"run", scenario, "--json", ""}, {"XDG_RUNTIME_DIR=" + root});
  int pgid = 0;
  EXPECT_TRUE(wait_until(
      [&] {
        pgid = recorded_group(root + "/stickycheck", p.pid(), "proxy (");
        return pgid > 0 && p.output_so_far().find(" requests through http://") != std::string::npos;
      },
      20s))
      << scenario << ": " << p.output_so_far();
  ::kill(p.pid(), SIGKILL);
  p.wait(5s);
  return pgid;
}

TEST(Leftovers, WorkersOfAKilledRunAreStoppedByTheNextRunWhichSaysSo) {
  const std::string root = private_state_root("leftovers-xdg");
  const int apache = proxy_group_of_killed_run("fixtures/scenarios/long-running-apache.yaml", root);
  const int nginx = proxy_group_of_killed_run("fixtures/scenarios/long-running-nginx.yaml", root);
  ASSERT_GT(apache, 0);
  ASSERT_GT(nginx, 0);
  // nginx's worker outlives the killed run: nothing else would ever stop it. (Apache, here
  // one process, notices and exits on its own.)
  EXPECT_FALSE(group_members(nginx).empty());

  auto r = run_cli({"run", "scenarios/seed-balanceid-route-cookie.yaml", "--json", ""}, 60s,
                   {"XDG_RUNTIME_DIR=" + root});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find(fmt::format("stickycheck: stopped 1 process of proxy (nginx) (process "
                                   "group {}), left running by stickycheck pid ",
                                   nginx)),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("which was killed before it could stop them"), std::string::npos);
  EXPECT_TRUE(group_members(apache).empty());
  EXPECT_TRUE(group_members(nginx).empty());
  EXPECT_EQ(std::distance(fs::directory_iterator(root + "/stickycheck"), {}), 0);
}

TEST(Leftovers, ShellCommandsGrandchildIsStoppedAtTeardown) {
  const std::string dir = temp_path("sh-grandchild");
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string marker = dir + "/shell.pid", scenario = dir + "/sh-grandchild.yaml";
  // sh runs the balancer as its child (no exec: `; true` follows), and writes its own pid,
  // which is also its process group.
  std::ofstream(scenario)
      << "name: sh-grandchild\n"
         "backends:\n  - name: www1\n"
         "proxy:\n  type: command\n  command:\n"
         "    - sh\n    - -c\n"
         "    - 'echo $$ > " +
             marker +
             "; \"$@\"; true'\n"
             "    - sh\n    - \"{{stickycheck}}\"\n    - balancer\n"
             "    - --listen\n    - \"{{listen}}\"\n"
             "    - \"--member=http://{{address}} route={{route}}{{each_backend}}\"\n"
             "traffic:\n  sessions: 10\n  requests_per_session: 2\n";
  auto r = run_cli({"run", scenario, "--json", ""}, 60s,
                   {"XDG_RUNTIME_DIR=" + private_state_root("sh-grandchild-xdg")});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const int pgid = std::atoi(read_file(marker).c_str());
  ASSERT_GT(pgid, 0);
  EXPECT_TRUE(group_members(pgid).empty());
}

// A recorded run as the state file holds it: its owner, then one group.
std::string run_file(const std::string& dir, int owner, unsigned long long owner_start, int pgid,
                     unsigned long long group_start) {
  const std::string path = dir + "/run-" + std::to_string(owner) + ".groups";
  std::ofstream(path) << "owner " << owner << " " << owner_start << "\ngroup " << pgid << " "
                      << group_start << " proxy (test)\n";
  return path;
}

struct Sleeper {
  std::unique_ptr<ProcessLauncher> launcher = make_process_launcher();
  std::unique_ptr<ChildProcess> child;
  unsigned long long start = 0;
  Sleeper() {
    auto c = launcher->launch({"sleeper", "/bin/sleep", {"60"}, "/dev/null"});
    EXPECT_TRUE(c.ok());
    if (c) child = std::move(*c);
    start = child ? read_proc_stat(child->pid())->start_ticks : 0;
  }
  ~Sleeper() {
    if (!child) return;
    child->signal_group(SIGKILL);
    while (!child->poll_exit()) std::this_thread::sleep_for(1ms);
  }
};

TEST(Leftovers, GroupOfADeadOwnerIsKilledAndItsFileRemoved) {
  const std::string dir = private_state_root("reap-dead-owner");
  Sleeper s;
  ASSERT_TRUE(s.child);
  // No pid reaches 10^9 (pid_max is at most 2^22): that owner is gone.
  const auto file = run_file(dir, 999999999, 1, s.child->pid(), s.start);
  const auto reaped = reap_leftovers(dir);
  ASSERT_EQ(reaped.size(), 1u);
  EXPECT_EQ(describe(reaped[0]),
            "stopped 1 process of proxy (test) (process group " + std::to_string(s.child->pid()) +
                "), left running by stickycheck pid 999999999, which was killed before it could "
                "stop them");
  EXPECT_TRUE(wait_until([&] { return s.child->poll_exit().has_value(); }, 5s));
  EXPECT_FALSE(fs::exists(file));
}

TEST(Leftovers, GroupsOfALiveOwnerAreLeftAlone) {
  const std::string dir = private_state_root("reap-live-owner");
  Sleeper s;
  ASSERT_TRUE(s.child);
  const auto file =
      run_file(dir, ::getpid(), read_proc_stat(::getpid())->start_ticks, s.child->pid(), s.start);
  EXPECT_TRUE(reap_leftovers(dir).empty());
  EXPECT_FALSE(s.child->poll_exit().has_value());
  EXPECT_TRUE(fs::exists(file));
}

TEST(Leftovers, APidGivenToAnotherProcessIsNotKilled) {
  const std::string dir = private_state_root("reap-recycled");
  Sleeper s;
  ASSERT_TRUE(s.child);
  run_file(dir, 999999999, 1, s.child->pid(), s.start + 1);  // recorded: an earlier process
  EXPECT_TRUE(reap_leftovers(dir).empty());
  EXPECT_FALSE(s.child->poll_exit().has_value());
}

TEST(Leftovers, RunRecordsEachChildsGroupAndForgetsItOnceEmpty) {
  const std::string dir = private_state_root("registry-forget");
  auto registry = RunRegistry::create(dir);
  ASSERT_TRUE(registry.ok()) << registry.error().message;
  auto base = make_process_launcher();
  RegisteringLauncher launcher(*base, **registry);
  auto child = launcher.launch({"proxy version", "/bin/true", {}, "/dev/null"});
  ASSERT_TRUE(child.ok()) << child.error().message;
  const int pid = (*child)->pid();
  const std::string file = dir + "/run-" + std::to_string(::getpid()) + ".groups";
  EXPECT_EQ(recorded_group(dir, ::getpid(), "proxy version"), pid);
  ASSERT_TRUE(wait_until([&] { return (*child)->poll_exit().has_value(); }, 5s));
  child->reset();  // its group is empty: from now on its id may be someone else's
  EXPECT_NE(read_file(file).find("\ngone " + std::to_string(pid) + " 0\n"), std::string::npos)
      << read_file(file);
  registry->reset();
  EXPECT_FALSE(fs::exists(file));
}

}  // namespace
}  // namespace sc::test
