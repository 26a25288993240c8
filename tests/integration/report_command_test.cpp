// `stickycheck report`: a saved report rendered again, older schema versions included, and
// input that is not a report refused with exit code 2.
#include <gtest/gtest.h>

#include <fstream>

#include "harness.hpp"

namespace sc::test {
namespace {

TEST(ReportCommand, SchemaOneReportRendersWithANoticeOfWhatItLacks) {
  const std::string html = temp_path("v1.html"), xml = temp_path("v1.xml");
  auto r = run_cli({"report", source_path("tests/unit/report_command_v1_report.json"), "--html",
                    html, "--junit", xml});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto page = read_file(html);
  EXPECT_NE(page.find("Rendered from a schema version 1 report"), std::string::npos);
  EXPECT_NE(page.find("<h2>phpsessid-expect-affinity</h2>"), std::string::npos);
  EXPECT_NE(page.find("<div class=\"banner fail\">FAIL: 2 of 4 checks failed</div>"),
            std::string::npos);
  EXPECT_NE(read_file(xml).find("<testsuite name=\"phpsessid-expect-affinity\""),
            std::string::npos);
}

TEST(ReportCommand, WithoutOutputsPrintsTheTerminalSummary) {
  auto r = run_cli({"report", source_path("tests/unit/report_command_v1_report.json")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("FAIL  phpsessid-expect-affinity"), std::string::npos);
  EXPECT_NE(r.out.find("1 scenarios: 0 pass, 1 fail"), std::string::npos);
}

TEST(ReportCommand, InputThatIsNotAReportIsExitTwo) {
  const std::string bogus = temp_path("bogus.json");
  std::ofstream(bogus) << "{\"tool\": \"other\"}";
  auto r = run_cli({"report", bogus, "--html", temp_path("never.html")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not a stickycheck report"), std::string::npos);
  auto missing = run_cli({"report", temp_path("missing.json")});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("cannot read"), std::string::npos);
}

}  // namespace
}  // namespace sc::test
