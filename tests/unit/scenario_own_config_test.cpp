// A scenario around the user's own proxy configuration: proxy.members, paths beside the
// scenario file, "did you mean" for the proxy type, and the checks made before anything starts.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "../common/fixture_text.hpp"
#include "runner/scenario_files.hpp"
#include "test_helpers.hpp"

namespace sc {
namespace {

namespace fs = std::filesystem;
using test::pasted_apache_block;

using test::kTwo;

using test::scenario_error_of;

// A folder of its own with `files` in it.
std::string folder_with(const std::vector<std::pair<std::string, std::string>>& files) {
  std::string dir = (fs::temp_directory_path() / "sc-own-XXXXXX").string();
  EXPECT_NE(::mkdtemp(dir.data()), nullptr);
  for (const auto& [name, text] : files) std::ofstream(dir + "/" + name) << text;
  return dir;
}

TEST(ScenarioOwnConfig, UnknownProxyTypeGetsDidYouMean) {
  EXPECT_EQ(scenario_error_of(std::string(kTwo) + "proxy:\n  type: hapoxy\n"),
            "s.yaml:6:9: proxy.type: expected apache, haproxy, nginx, caddy, reference, command "
            "or external, got 'hapoxy'; did you mean 'haproxy'?");
}

TEST(ScenarioOwnConfig, ConfigPathIsReadBesideTheScenario) {
  const auto dir = folder_with({{"site.conf", pasted_apache_block()}});
  auto s = load_scenario_text(std::string(kTwo) + "proxy:\n  type: apache\n  config: site.conf\n",
                              dir + "/s.yaml");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->proxy.config, dir + "/site.conf");
  EXPECT_EQ(s->proxy.stickysession, "ROUTEID");
  fs::remove_all(dir);
}

// Under a folder of the test's own: a fixed /tmp path depended on what else was in /tmp.
TEST(ScenarioOwnConfig, UnreadableConfigShowsTheResolvedPathAndTheSystemsReason) {
  const auto dir = folder_with({});
  EXPECT_EQ(scenario_error_of(std::string(kTwo) + "proxy:\n  type: apache\n  config: ../x/site.conf\n",
                              dir + "/a/s.yaml"),
            dir + "/a/s.yaml:7:11: proxy.config: cannot read the configuration " + dir +
                "/x/site.conf: No such file or directory");
  fs::remove_all(dir);
}

TEST(ScenarioOwnConfig, MembersMapNamesBackends) {
  const auto dir = folder_with({{"site.conf", pasted_apache_block()}});
  auto s = load_scenario_text(std::string(kTwo) +
                                  "proxy:\n  type: apache\n  config: site.conf\n  members: "
                                  "{\"127.0.0.1:8001\": www2, \"127.0.0.1:8002\": www1}\n",
                              dir + "/s.yaml");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->proxy.members, (std::vector<std::pair<std::string, std::string>>{
                                  {"127.0.0.1:8001", "www2"}, {"127.0.0.1:8002", "www1"}}));
  fs::remove_all(dir);
}

TEST(ScenarioOwnConfig, MembersMapToAnUnknownBackendIsAnError) {
  EXPECT_EQ(scenario_error_of(std::string(kTwo) +
                     "proxy:\n  type: apache\n  config: x.conf\n  members: {\"a:1\": ww1}\n"),
            "s.yaml:8:20: proxy.members.a:1: 'ww1' is not a backend (the backends are www1 or "
            "www2); did you mean 'www1'?");
}

TEST(ScenarioOwnConfig, MembersThatCannotBeMappedStopTheScenarioWithFileAndLine) {
  const auto dir = folder_with({{"site.conf", pasted_apache_block()}});
  EXPECT_EQ(scenario_error_of("name: t\nbackends: [{name: a}, {name: b}, {name: c}]\nproxy:\n  type: "
                     "apache\n  config: site.conf\n",
                     dir + "/s.yaml"),
            dir + "/s.yaml:5:11: proxy.config: " + dir +
                "/site.conf:4: 2 BalancerMembers (127.0.0.1:8001, 127.0.0.1:8002) for 3 "
                "backends (a, b, c): they are paired in order only when the counts match; say "
                "which is which with proxy.members, e.g. {\"127.0.0.1:8001\": a}");
  fs::remove_all(dir);
}

TEST(ScenarioOwnConfig, TemplateWithNothingToListenOnIsAnError) {
  const auto dir = folder_with(
      {{"haproxy.cfg", "backend app\n  server s1 10.0.0.1:80\n  server s2 10.0.0.2:80\n"}});
  EXPECT_EQ(scenario_error_of(std::string(kTwo) + "proxy:\n  type: haproxy\n  config: haproxy.cfg\n",
                     dir + "/s.yaml"),
            dir + "/s.yaml:7:11: proxy.config: " + dir +
                "/haproxy.cfg: no frontend or listen section, so nothing binds the address "
                "stickycheck gives the proxy; add one with `bind {{listen}}`");
  fs::remove_all(dir);
}

TEST(ScenarioOwnConfig, WritePathOutsideTheRuntimeDirectoryIsAnError) {
  const auto dir =
      folder_with({{"site.conf", "ScoreBoardFile /var/run/apache2/sb\n" + pasted_apache_block()}});
  EXPECT_EQ(scenario_error_of(std::string(kTwo) + "proxy:\n  type: apache\n  config: site.conf\n",
                     dir + "/s.yaml"),
            dir + "/s.yaml:7:11: proxy.config: " + dir +
                "/site.conf:1: ScoreBoardFile /var/run/apache2/sb would write outside the "
                "runtime directory; remove it, or write under {{runtime_dir}}");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace sc
