// Where `run` reads scenarios from and writes reports to: report paths are checked before
// anything runs, a directory's own report is never taken for a scenario, paths with spaces
// are reported as they are.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "harness.hpp"

namespace sc::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

TEST(RunOutputs, UnwritableReportPathIsExitTwoBeforeAnythingRuns) {
  const std::string dir = temp_path("outputs-dir-target");
  fs::create_directories(dir);
  auto r = run_cli({"run", "scenarios/seed-balanceid-route-cookie.yaml", "--json",
                    "/nonexistent-dir/r.json", "--junit", dir, "--no-color"},
                   20s);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_EQ(r.err,
            "stickycheck run: --json: cannot write /nonexistent-dir/r.json: there is no directory "
            "/nonexistent-dir\nstickycheck run: --junit: " +
                dir + " is a directory\n");
  EXPECT_EQ(r.out, "");  // no scenario ran
  EXPECT_TRUE(fs::is_empty(dir));
}

TEST(RunOutputs, DirectoryRunTwiceDoesNotReadItsOwnReportAndNamesPathsWithSpaces) {
  const std::string dir = temp_path("scenarios with spaces");
  fs::create_directories(dir);
  fs::copy_file(source_path("scenarios/seed-balanceid-route-cookie.yaml"), dir + "/my seed.yaml",
                fs::copy_options::overwrite_existing);
  const std::string json = dir + "/stickycheck-report.json";
  for (int round = 1; round <= 2; ++round) {
    auto r = run_cli({"run", dir, "--json", json, "--no-color"}, 60s);
    EXPECT_EQ(r.exit_code, 0) << round << r.out << r.err;
    EXPECT_NE(r.out.find("PASS  seed-balanceid-route-cookie  (" + dir + "/my seed.yaml; "),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("1 scenarios: 1 pass"), std::string::npos) << round << r.out;
    EXPECT_EQ(nlohmann::json::parse(read_file(json))["scenarios"].size(), 1u);
  }
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), {}), 2);  // the scenario, the report
}

TEST(RunOutputs, SecondRunOnTheSameReportIsRefusedNamingTheFirst) {
  const std::string dir = temp_path("outputs-locked");
  fs::create_directories(dir);
  std::ofstream(dir + "/slow.yaml")
      << "name: slow\nbackends:\n  - name: www1\n  - name: www2\nproxy:\n  type: reference\n"
         "  stickysession: BALANCEID\nbackend_defaults:\n  route_cookie: "
         "\"BALANCEID=balancer.{route}; path=/\"\ntraffic:\n  sessions: 4\n"
         "  requests_per_session: 400\n  concurrency: 4\n  pause: 50ms\n";
  const std::string json = dir + "/stickycheck-report.json";
  CliProcess first({"run", dir + "/slow.yaml", "--json", json, "--no-color"});
  ASSERT_TRUE(wait_until([&] { return first.output_so_far().find("sessions x") != std::string::npos; },
                         20s))
      << first.output_so_far();
  auto second = run_cli({"run", dir + "/slow.yaml", "--json", json, "--no-color"}, 20s);
  EXPECT_EQ(second.exit_code, 3) << second.out << second.err;
  EXPECT_EQ(second.err, fmt::format("stickycheck run: --json: {} is being written by another "
                                    "stickycheck run (pid {}); give this run a report of its own "
                                    "(--json PATH)\n",
                                    json, first.pid()));
  EXPECT_EQ(second.out, "");  // nothing ran
  first.stop(10s);
}

}  // namespace
}  // namespace sc::test
