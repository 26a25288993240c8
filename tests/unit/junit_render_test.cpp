// JUnit XML from in-process models: suites, cases, failures, errors, skips and counts.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "html_report_model.hpp"
#include "render/junit.hpp"

namespace sc {
namespace {

std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + needle.size()))
    ++n;
  return n;
}

ScenarioReport not_run(const std::string& name, ScenarioVerdict v, const std::string& why) {
  ScenarioReport r;
  r.scenario.name = name;
  r.verdict = v;
  r.error = why;
  return r;
}

TEST(JunitRender, OneSuitePerScenarioOneCasePerCheck) {
  auto failing = test::model_scenario("sticky", {"www1", "www2"}, 40, 6);
  ASSERT_EQ(failing.verdict, ScenarioVerdict::kFail);
  std::size_t failed = 0;
  for (const auto& c : failing.evaluation.checks) failed += c.verdict == Verdict::kFail;
  const auto xml = render_junit(test::model_report({failing}));
  EXPECT_EQ(count(xml, "<testsuite "), 1u);
  EXPECT_EQ(count(xml, "<testcase classname=\"sticky\" name=\""), failing.evaluation.checks.size());
  EXPECT_EQ(count(xml, "<failure "), failed);
  EXPECT_NE(xml.find("<testcase classname=\"sticky\" name=\"affinity\" time=\"0\">"),
            std::string::npos);
  EXPECT_NE(xml.find(fmt::format("tests=\"{}\" failures=\"{}\" errors=\"0\"",
                                 failing.evaluation.checks.size(), failed)),
            std::string::npos);
  EXPECT_NE(xml.find("<property name=\"tool_version\" value=\"" STICKYCHECK_VERSION "\"/>"),
            std::string::npos);
  EXPECT_NE(xml.find("timestamp=\"2026-12-01T10:00:00\""), std::string::npos);
}

TEST(JunitRender, ScenarioThatCouldNotRunIsAnErrorWithItsLogs) {
  auto r = not_run("broken", ScenarioVerdict::kError, "proxy exited with status 1");
  r.logs = {{"proxy", "AH00526: Syntax error"}};
  const auto xml = render_junit(test::model_report({r}));
  EXPECT_NE(xml.find("<error message=\"proxy exited with status 1\" type=\"could_not_run\">"),
            std::string::npos);
  EXPECT_NE(xml.find("<system-err>--- last output of proxy ---&#10;AH00526: Syntax error&#10;"
                     "</system-err>"),
            std::string::npos);
  EXPECT_NE(xml.find("tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\""), std::string::npos);
}

TEST(JunitRender, SkippedScenarioAndNotApplicableCheckAreSkipped) {
  auto ran = test::model_scenario("ran", {"www1"}, 4, 2);
  ran.evaluation.checks = {
      {"distribution", Verdict::kNotApplicable, 0, "p >= 0.01", "one backend"}};
  const auto xml = render_junit(test::model_report(
      {not_run("absent", ScenarioVerdict::kSkipped, "caddy is not installed"), ran}));
  EXPECT_NE(xml.find("<skipped message=\"caddy is not installed\"/>"), std::string::npos);
  EXPECT_NE(xml.find("<skipped message=\"not applicable: one backend\"/>"), std::string::npos);
  EXPECT_NE(xml.find("<testsuites name=\"stickycheck\" tests=\"2\" failures=\"0\" errors=\"0\" "
                     "skipped=\"2\""),
            std::string::npos);
}

TEST(JunitRender, ForbiddenCharactersNeverPassThrough) {
  const std::string evil = std::string("a\x00\x01<b>&\"c\"\xFF\xEF\xBF\xBE", 15);
  auto r = not_run(evil, ScenarioVerdict::kError, evil);
  const auto xml = render_junit(test::model_report({r}));
  for (char c : xml) {
    const auto u = static_cast<unsigned char>(c);
    EXPECT_TRUE(u >= 0x20 || c == '\n') << "control character " << int(u);
  }
  EXPECT_EQ(xml.find("\xFF"), std::string::npos);
  EXPECT_EQ(xml.find("\xEF\xBF\xBE"), std::string::npos);
  EXPECT_NE(xml.find("name=\"a&lt;b&gt;&amp;&quot;c&quot;\xEF\xBF\xBD\""), std::string::npos);
}

}  // namespace
}  // namespace sc
