// The JUnit XML as CI servers read it: well-formed and valid against the Jenkins/Ant JUnit
// schema kept in reports/junit.xsd (xmllint), with a failing and a skipped scenario.
#include <gtest/gtest.h>

#include <fstream>

#include "../unit/html_report_model.hpp"
#include "harness.hpp"
#include "html_browser.hpp"
#include "render/junit.hpp"

namespace sc::test {
namespace {

// xmllint's verdict on `path`: "" when well-formed and valid against reports/junit.xsd.
std::string xmllint_complaints(const std::string& path) {
  std::string out;
  if (run_shell("command -v xmllint", out) != 0)
    return "xmllint is not installed (scripts/bootstrap installs libxml2-utils)";
  const int code =
      run_shell("xmllint --noout --schema " + source_path("reports/junit.xsd") + " " + path, out);
  return code == 0 ? "" : out;
}

TEST(JunitXmllint, RunWithFailingAndSkippedScenariosIsValid) {
  const std::string json = temp_path("junit.json"), xml = temp_path("junit.xml");
  auto r = run_cli(
      {"run", "fixtures/scenarios/phpsessid-expect-affinity.yaml",
       "scenarios/caddy-lb-policy-cookie.yaml", "scenarios/seed-balanceid-route-cookie.yaml",
       "--json", json, "--junit", xml, "--no-color"},
      std::chrono::seconds(90), {"CI", "PATH=/nonexistent"});  // caddy, in /usr/bin, is missing
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;  // a check failed
  EXPECT_EQ(xmllint_complaints(xml), "");
  const auto text = read_file(xml);
  EXPECT_NE(text.find("<testsuite name=\"phpsessid-expect-affinity\""), std::string::npos);
  EXPECT_NE(text.find("<testcase classname=\"phpsessid-expect-affinity\" name=\"affinity\" "
                      "time=\"0\">\n      <failure message="),
            std::string::npos);
  EXPECT_NE(text.find("<testcase classname=\"caddy-lb-policy-cookie\" name=\"run\""),
            std::string::npos);
  EXPECT_NE(text.find("<skipped message=\"caddy is not installed"), std::string::npos);
  EXPECT_NE(text.find("<testsuite name=\"seed-balanceid-route-cookie\""), std::string::npos);

  const std::string again = temp_path("junit-again.xml");
  ASSERT_EQ(run_cli({"report", json, "--junit", again}).exit_code, 0);
  EXPECT_EQ(read_file(again), text);  // the saved report renders the same XML
}

TEST(JunitXmllint, ScenarioThatCouldNotRunIsValid) {
  const std::string xml = temp_path("junit-error.xml");
  auto r = run_cli(
      {"run", "scenarios/caddy-lb-policy-cookie.yaml", "--json", "", "--junit", xml, "--no-color"},
      std::chrono::seconds(60), {"CI=true", "PATH=/nonexistent"});
  ASSERT_EQ(r.exit_code, 3) << r.out << r.err;  // in CI a missing proxy is an error
  EXPECT_EQ(xmllint_complaints(xml), "");
  EXPECT_NE(read_file(xml).find("<error message=\"caddy is not installed"), std::string::npos);
}

TEST(JunitXmllint, HostileStringsStayWellFormedAndValid) {
  const std::string evil = "]]></failure><x a=\"\x01\x1b\xFF\xEF\xBF\xBF&";
  auto s = model_scenario(evil, {evil, "www2"}, 20, 6);
  s.evaluation.diagnosis = {evil};
  s.proxy_version = evil;
  ScenarioReport broken;
  broken.scenario.name = evil;
  broken.error = evil;
  broken.logs = {{evil, evil}};
  const std::string xml = temp_path("junit-hostile.xml");
  std::ofstream(xml, std::ios::binary) << render_junit(model_report({s, broken}));
  EXPECT_EQ(xmllint_complaints(xml), "");
}

}  // namespace
}  // namespace sc::test
