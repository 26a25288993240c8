// `stickycheck init` through the real binary: what it writes runs as it is with
// `stickycheck run DIR`, for each proxy type and from the user's own file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "../common/fixture_text.hpp"
#include "harness.hpp"

namespace sc::test {
namespace {

// `init` for one proxy type, then `run` on what it wrote.
void init_then_run(const std::string& type) {
  const std::string dir = temp_path("init-" + type);
  auto init = run_cli({"init", "--proxy", type, dir});
  ASSERT_EQ(init.exit_code, 0) << init.out << init.err;
  EXPECT_NE(init.out.find("run it with:\n  stickycheck run " + dir + "\n"), std::string::npos)
      << init.out;
  auto r = run_cli({"run", dir, "--json", dir + "/report.json"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(nlohmann::json::parse(read_file(dir + "/report.json"))["scenarios"][0]["verdict"],
            "pass");
}

TEST(InitCommand, InitApacheRunsAsItIs) { init_then_run("apache"); }
TEST(InitCommand, InitHaproxyRunsAsItIs) { init_then_run("haproxy"); }
TEST(InitCommand, InitNginxRunsAsItIs) { init_then_run("nginx"); }
TEST(InitCommand, InitCaddyRunsAsItIs) { init_then_run("caddy"); }
TEST(InitCommand, InitReferenceRunsAsItIs) { init_then_run("reference"); }

TEST(InitCommand, InitFromAFileCopiesItAndRuns) {
  const std::string src = temp_path("init-from-src");
  std::filesystem::create_directories(src);
  std::ofstream(src + "/site.conf") << pasted_apache_block();
  const std::string dir = temp_path("init-from");
  auto init = run_cli({"init", "--proxy", "apache", "--from", src + "/site.conf", dir});
  ASSERT_EQ(init.exit_code, 0) << init.out << init.err;
  EXPECT_EQ(read_file(dir + "/site.conf"), pasted_apache_block());
  auto r = run_cli({"run", dir, "--json", ""});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

// init --from shows what lint finds in the user's file, and still writes the scenario.
TEST(InitCommand, InitFromAFileShowsWhatLintFinds) {
  const std::string dir = temp_path("init-from-lint");
  auto init = run_cli({"init", "--proxy", "apache", "--from",
                       source_path("fixtures/apache/failover-off-typo.conf"), dir});
  ASSERT_EQ(init.exit_code, 0) << init.out << init.err;
  EXPECT_NE(init.out.find("lint of " + source_path("fixtures/apache/failover-off-typo.conf") +
                          ":\n" + source_path("fixtures/apache/failover-off-typo.conf") +
                          ":5:1: error: failover=Off on balancer://app: unknown Balancer "
                          "parameter 'failover' (did you mean 'nofailover'?) "
                          "[apache/unknown-balancer-parameter]"),
            std::string::npos)
      << init.out;
  EXPECT_TRUE(std::filesystem::exists(dir + "/scenario.yaml"));
}

}  // namespace
}  // namespace sc::test
