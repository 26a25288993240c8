// Runs that cannot fit: refused before anything starts, and an allocation failure mid-run
// still stops every child and removes the runtime directory.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <filesystem>
#include <fstream>
#include <new>

#include "harness.hpp"
#include "runner/run_scenario.hpp"
#include "runner/scenario_files.hpp"

namespace sc::test {
namespace {

using namespace std::chrono_literals;

// A fresh, empty directory for TMPDIR (where runs make their runtime directories).
std::string empty_dir(const std::string& name) {
  const std::string dir = temp_path(name);
  std::filesystem::create_directories(dir);
  return dir;
}

bool is_empty_dir(const std::string& dir) {
  return std::filesystem::is_directory(dir) && std::filesystem::is_empty(dir);
}

TEST(Limits, ScenarioTooLargeForMemoryExitsTwoAtOnceAndLeavesNoRuntimeDirectory) {
  const std::string file = temp_path("huge.yaml");
  std::ofstream(file) << "name: huge\nbackends:\n  - name: www1\ntraffic:\n"
                         "  sessions: 10000000\n  requests_per_session: 100000\n";
  const std::string tmp = empty_dir("huge-runtime");
  const auto t0 = std::chrono::steady_clock::now();
  auto r = run_cli({"run", file, "--json", ""}, 20s, {"TMPDIR=" + tmp});
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(file + ":5:13: traffic.sessions: 10000000 sessions x 100000 requests "
                              "need about 40.0 TB of memory, but "),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(" requests would fit"), std::string::npos) << r.err;
  EXPECT_TRUE(is_empty_dir(tmp));
}

TEST(Limits, ProbeTooLargeForMemoryExitsTwoBeforeAnyRequest) {
  // A listener that never accepts: a connection the probe made would wait in its queue.
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor site(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  site.non_blocking(true);
  const std::string url = "http://127.0.0.1:" + std::to_string(site.local_endpoint().port()) + "/";
  auto r = run_cli({"probe", url, "--sessions", "10000000", "--requests-per-session", "10",
                    "--max-requests", "100000000", "--json", ""},
                   20s, {"STICKYCHECK_MEMORY_LIMIT=1G"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(
      r.err.starts_with("stickycheck probe: --sessions: 10000000 sessions x 10 requests "
                        "need about "))
      << r.err;
  EXPECT_NE(r.err.find(" of memory, but 1.0 GB is available; at most "), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(" sessions of 10 requests would fit\n"), std::string::npos) << r.err;
  boost::asio::ip::tcp::socket pending(ioc);
  boost::system::error_code ec;
  site.accept(pending, ec);
  EXPECT_EQ(ec, boost::asio::error::would_block);
}

TEST(Limits, OutOfMemoryMidRunStopsTheChildrenAndRemovesTheRuntimeDirectory) {
  auto s = load_scenario_text(
      "name: oom\nbackends:\n  - name: www1\n  - name: www2\ntraffic:\n  sessions: 4\n",
      "oom.yaml");
  ASSERT_TRUE(s.ok()) << s.error().message;
  auto launcher = make_process_launcher();
  RunContext ctx;
  ctx.launcher = launcher.get();
  ctx.self_exe = stickycheck_bin();
  ctx.runtime_root = empty_dir("oom-runtime");
  std::vector<int> running;
  // The traffic's first status line comes once every child is ready: fail there, as a huge
  // allocation would.
  ctx.status = [&running](const std::string& line) {
    if (line.find(" sessions x ") == std::string::npos) return;
    running = children_of(::getpid());
    throw std::bad_alloc();
  };
  auto report = run_scenario(*s, ctx);
  EXPECT_EQ(report.verdict, ScenarioVerdict::kError);
  EXPECT_EQ(report.error,
            "out of memory during the run (4 sessions x 10 requests); the processes were "
            "stopped and the runtime directory removed; run fewer sessions or requests per "
            "session");
  EXPECT_EQ(running.size(), 3u);  // two backends and the balancer were up
  for (int pid : running) EXPECT_FALSE(process_exists(pid)) << pid;
  EXPECT_TRUE(is_empty_dir(ctx.runtime_root));
}

TEST(Limits, BackendCommandRefusesARouteThatWouldEndTheSetCookieLine) {
  auto r = run_cli({"backend", "--name", "www1", "--id-style", "suffix", "--route",
                    "www1\r\nSet-Cookie: admin=1", "--listen", "127.0.0.1:1"},
                   20s);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "stickycheck backend: --route: expected a route of at most 64 letters, digits, '-', "
            "'_', '.' or '~', got 'www1\\r\\nSet-Cookie: admin=1'\n");
}

}  // namespace
}  // namespace sc::test
