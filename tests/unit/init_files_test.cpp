// `stickycheck init`: the scenario and configuration it writes.
#include "cli/init_files.hpp"

#include <gtest/gtest.h>

#include "proxies/init_templates.hpp"
#include "runner/scenario_files.hpp"
#include "util/text.hpp"

namespace sc::cli {
namespace {

// The templates are generated from the fixtures at build time; this checks the generation.
TEST(InitFiles, CompiledInTemplatesAreTheShippedFixtures) {
  for (const char* type : {"apache", "haproxy", "nginx", "caddy"}) {
    const auto fixture = std::string(STICKYCHECK_SOURCE_DIR) + "/" +
                         std::string(proxies::init_template_fixture(type));
    EXPECT_EQ(std::string(proxies::init_template(type)), read_text_file(fixture).value_or("?"))
        << type;
  }
  EXPECT_EQ(proxies::init_template("reference"), "");
}

TEST(InitFiles, FromFileBackendsFollowItsMembers) {
  auto files = init_files({"haproxy", "haproxy.cfg",
                           "frontend fe\n  bind :80\n  default_backend app\nbackend app\n"
                           "  server a 10.0.0.1:8080\n  server b 10.0.0.2:8080\n"
                           "  server c 10.0.0.3:8080\n"});
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[1].name, "haproxy.cfg");
  const auto& s = files[0].text;
  EXPECT_NE(s.find("  - name: www1  # 10.0.0.1:8080\n  - name: www2  # 10.0.0.2:8080\n"
                   "  - name: www3  # 10.0.0.3:8080\n"),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("  type: haproxy\n  config: haproxy.cfg\n"), std::string::npos) << s;
}

TEST(InitFiles, ReferenceScenarioNeedsNoConfiguration) {
  auto files = init_files({"reference", "", ""});
  ASSERT_EQ(files.size(), 1u);
  auto s = load_scenario_text(files[0].text, "/nonexistent/scenario.yaml");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->proxy.stickysession, "BALANCEID");
}

}  // namespace
}  // namespace sc::cli
