// The HTML report as a reader gets it: opened in headless Chromium, it renders with no console
// message and no network request, its charts hold as many cells and bars as the report's
// figures, and strings a server chose stay text.
#include "html_browser.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "../unit/html_report_model.hpp"
#include "harness.hpp"
#include "render/html_report.hpp"

namespace sc::test {
namespace {

std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + needle.size()))
    ++n;
  return n;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

// The figures of one scenario of the JSON report, as its charts must draw them.
struct ChartCounts {
  std::size_t cells = 0, timeline_bars = 0, spread_bars = 0, histogram_bars = 0;
};

ChartCounts counts_in(const nlohmann::json& charts) {
  ChartCounts c;
  for (const auto& s : charts["session_sample"]["sessions"]) c.cells += s["backends"].size();
  const auto& t = charts["timeline"];
  for (std::size_t i = 0; i < t["requests"].size(); ++i) {
    for (const auto& n : t["requests"][i]) c.timeline_bars += n.get<long long>() > 0;
    c.timeline_bars += t["unidentified"][i].get<long long>() > 0;
    c.timeline_bars += t["errors"][i].get<long long>() > 0;
  }
  c.spread_bars = charts["spread"].size();
  for (const auto& n : charts["latency_histogram"]["counts"])
    c.histogram_bars += n.get<long long>() > 0;
  return c;
}

TEST(HtmlBrowser, DetectorSeesConsoleMessagesAndPageRequests) {
  // The checks below mean something only if a page that does fetch and log is caught.
  const std::string path = temp_path("probe.html");
  std::ofstream(path) << "<!DOCTYPE html><html><body><img src=\"http://127.0.0.1:9/probe.png\">"
                         "<script>console.error('probe')</script></body></html>";
  const auto page = open_in_chromium(path);
  ASSERT_EQ(page.failure, "");
  EXPECT_NE(joined(page.console).find("probe"), std::string::npos);
  EXPECT_NE(joined(page.page_requests).find("http://127.0.0.1:9/probe.png"), std::string::npos);
}

TEST(HtmlBrowser, RealRunReportRendersWithoutErrorsOrNetworkAndDrawsItsFigures) {
  const std::string json = temp_path("browser.json"), html = temp_path("browser.html");
  auto r = run_cli({"run", "scenarios/reference-kill-member-failover.yaml", "--json", json,
                    "--html", html, "--no-color"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string again = temp_path("again.html");
  auto rendered = run_cli({"report", json, "--html", again});
  ASSERT_EQ(rendered.exit_code, 0) << rendered.err;
  EXPECT_EQ(read_file(again), read_file(html));  // the saved report renders the same page

  const auto page = open_in_chromium(html);
  ASSERT_EQ(page.failure, "");
  EXPECT_TRUE(page.console.empty()) << joined(page.console);
  EXPECT_TRUE(page.page_requests.empty()) << joined(page.page_requests);
  const auto charts = nlohmann::json::parse(read_file(json))["scenarios"][0]["charts"];
  const auto expected = counts_in(charts);
  EXPECT_GT(expected.cells, 0u);
  EXPECT_EQ(count(page.dom, "<rect class=\"cell "), expected.cells);
  EXPECT_EQ(count(page.dom, "<rect class=\"bar "), expected.timeline_bars);
  EXPECT_EQ(count(page.dom, "<rect class=\"sbar "), expected.spread_bars);
  EXPECT_EQ(count(page.dom, "<rect class=\"hbar "), expected.histogram_bars);
  EXPECT_EQ(count(page.dom, "<line class=\"dist\""), 1u);  // the kill, marked on the timeline
  EXPECT_EQ(count(page.dom, "<svg "), 4u);
}

TEST(HtmlBrowser, HostileServerStringsStayText) {
  const std::string evil =
      "<script>alert(1)</script>\"><img src=x onerror=alert(2)></svg>\x07\xC3\x28";
  auto s = model_scenario("hostile", {evil, "www2"}, 12, 4);
  s.cookies = {{evil, "Path=/" + evil, {evil}, 3, true}};
  s.evaluation.diagnosis = {evil};
  s.logs = {{"backend " + evil, evil}};
  const std::string path = temp_path("hostile.html");
  std::ofstream(path, std::ios::binary) << render_html(model_report({s}));

  const auto page = open_in_chromium(path);
  ASSERT_EQ(page.failure, "");
  EXPECT_TRUE(page.console.empty()) << joined(page.console);
  EXPECT_TRUE(page.page_requests.empty()) << joined(page.page_requests);
  EXPECT_EQ(page.dom.find("<script"), std::string::npos);
  EXPECT_EQ(page.dom.find("<img"), std::string::npos);
  EXPECT_EQ(page.dom.find("onerror=\""), std::string::npos);  // never an attribute
  EXPECT_EQ(page.dom.find('\x07'), std::string::npos);
  EXPECT_EQ(count(page.dom, "<svg "), 4u);
  EXPECT_EQ(count(page.dom, "</svg>"), 4u);
  // As text: the backend in the legend, the cookie in its table.
  const std::string as_text =
      "&lt;script&gt;alert(1)&lt;/script&gt;\"&gt;&lt;img src=x onerror=alert(2)&gt;&lt;/svg&gt;"
      "\xEF\xBF\xBD(";
  EXPECT_NE(page.dom.find("<span class=\"swatch b0\"></span>" + as_text + "</span>"),
            std::string::npos);
  EXPECT_NE(page.dom.find("<td><code>" + as_text + "</code></td>"), std::string::npos);
}

}  // namespace
}  // namespace sc::test
