// `stickycheck probe` against sites that misbehave: answers that are huge, binary, not JSON or
// hostile in their headers (a clear per-request error, never a crash), and cookies whose
// attributes keep them from coming back (a cause naming each).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

#include "php_site.hpp"

namespace sc::test {
namespace {

// One PHP server with the hostile answers for the whole suite.
class ProbeHostile : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto server = start_php_server("fixtures/php/hostile", {"BACKEND_NAME=hostile"});
    ASSERT_TRUE(server.ok()) << server.error().message;
    server_ = std::move(*server);
  }
  static void TearDownTestSuite() { server_.reset(); }
  // 2 sessions of 2 requests to `path`, the backend named by json:/backend.
  static ProbeResult probe(const std::string& path, std::vector<std::string> extra = {}) {
    if (!server_) return {};  // SetUpTestSuite failed and said why
    extra.insert(extra.end(), {"--identify", "json:/backend", "--path", path});
    return run_probe(server_->url(), {.sessions = 2, .requests_per_session = 2, .extra = extra});
  }
  static std::unique_ptr<PhpServer> server_;
};
std::unique_ptr<PhpServer> ProbeHostile::server_;

// A body json:/backend cannot read leaves affinity undecided (exit 3: nothing names a
// backend), no crash, and the check says that the user's spec found nothing and why.
void expect_unreadable_body_explained(const ProbeResult& r) {
  ASSERT_EQ(r.cli.exit_code, 3) << r.describe();
  ASSERT_TRUE(r.scenario.is_object()) << r.describe();
  EXPECT_EQ(r.scenario["metrics"]["requests"], 4) << r.describe();
  EXPECT_EQ(r.scenario["verdict"], "inconclusive") << r.describe();
  const std::string said = find_check(r.scenario, "affinity")["explanation"];
  EXPECT_NE(said.find("json:/backend"), std::string::npos) << r.describe();
}

TEST_F(ProbeHostile, HugeBodyIsCutAndExplained) {
  expect_unreadable_body_explained(probe("/huge"));
}

TEST_F(ProbeHostile, BinaryBodyIsExplained) { expect_unreadable_body_explained(probe("/binary")); }

TEST_F(ProbeHostile, InvalidJsonBodyIsExplained) {
  expect_unreadable_body_explained(probe("/invalid-json"));
}

TEST_F(ProbeHostile, DeeplyNestedJsonBodyIsExplained) {
  expect_unreadable_body_explained(probe("/deep-json"));
}

// A 300 KiB header line is more than the client takes: each request is a transport error,
// and the report gives the reason (not just a count).
TEST_F(ProbeHostile, HugeHeaderIsAPerRequestErrorWithItsReason) {
  const auto r = probe("/huge-header", {"--expect", "losses"});
  ASSERT_EQ(r.cli.exit_code, 1) << r.describe();
  EXPECT_EQ(r.scenario["metrics"]["transport_errors"], 4) << r.describe();
  const auto& errors = find_check(r.scenario, "errors");
  EXPECT_EQ(errors["verdict"], "fail") << r.describe();
  std::string said =
      errors["explanation"].get<std::string>() + joined_lines(r.scenario["diagnosis"]);
  std::transform(said.begin(), said.end(), said.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  EXPECT_NE(said.find("header"), std::string::npos) << r.describe();
}

// A regex: spec whose match lies past the 64 KiB it reads says so, not "not valid JSON".
TEST_F(ProbeHostile, RegexMatchPastItsReadLimitIsExplained) {
  ASSERT_TRUE(server_);
  const auto r = run_probe(server_->url(), {.sessions = 2,
                                           .requests_per_session = 2,
                                           .extra = {"--identify", "regex:served by ([a-z0-9]+)",
                                                     "--path", "/long-page"}});
  const std::string said = find_check(r.scenario, "affinity")["explanation"];
  EXPECT_NE(said.find("4 bodies were longer than the 64 KiB a regex: looks in"), std::string::npos)
      << r.describe();
  EXPECT_EQ(said.find("not valid JSON"), std::string::npos) << r.describe();
}

// A thousand Set-Cookie headers are read like any others: no error, the backend named (one
// server: affinity is undecided, as a source that never varies cannot show a switch).
TEST_F(ProbeHostile, ThousandCookiesAreReadWithoutError) {
  const auto r = probe("/many-cookies");
  ASSERT_EQ(r.scenario["verdict"], "inconclusive") << r.describe();
  EXPECT_EQ(r.scenario["metrics"]["errors"], 0) << r.describe();
  EXPECT_TRUE(r.scenario["metrics"]["backends"].contains("hostile")) << r.describe();
}

// Each broken cookie has a cause of its own that names the attribute that breaks it.
// The site is named shop.test (resolved to the loopback server): a browser treats only its own
// machine's names as secure over http.
TEST(ProbeCookies, BrokenAttributesAreEachDiagnosed) {
  auto server = start_php_server("fixtures/php/broken-cookies", {"BACKEND_NAME=www1"});
  ASSERT_TRUE(server.ok()) << server.error().message;
  const std::string port = std::to_string((*server)->port());
  const auto r = run_probe("http://shop.test:" + port + "/",
                           {.sessions = 4,
                            .requests_per_session = 4,
                            .extra = {"--identify", "json:/backend", "--resolve",
                                      "shop.test:" + port + ":127.0.0.1"}});
  ASSERT_TRUE(r.scenario.is_object()) << r.describe();
  const std::vector<std::pair<std::string, std::string>> broken = {
      {"PHPSESSID", "Secure"},
      {"SRV", "Path=/elsewhere"},
      {"ROUTEID", "Domain=other.example"},
      {"lb", "SameSite=None"},
      {"stale", "Max-Age=0"}};
  for (const auto& [cookie, attribute] : broken) {
    const auto& causes = r.scenario["diagnosis"];
    // Captured by name: clang 14 (the sanitizer build) cannot capture structured bindings.
    const bool named = std::any_of(
        causes.begin(), causes.end(),
        [&cookie = cookie, &attribute = attribute](const nlohmann::json& c) {
          const auto text = c.get<std::string>();
          return text.starts_with(cookie + " ") && text.find(attribute) != std::string::npos;
        });
    EXPECT_TRUE(named) << cookie << " with " << attribute << ":\n" << r.describe();
  }
}

}  // namespace
}  // namespace sc::test
