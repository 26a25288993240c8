// The HTML report from in-process models: a safe self-contained page whose charts draw
// exactly the model's figures, fast and small even for a million requests.
#include "render/html_report.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "html_report_model.hpp"

namespace sc {
namespace {

std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + needle.size()))
    ++n;
  return n;
}

std::size_t expected_cells(const ScenarioReport& r) {
  std::size_t n = 0;
  for (const auto& row : r.charts.sample.sessions) n += row.cells.size();
  return n;
}

std::size_t expected_timeline_bars(const ScenarioReport& r) {
  std::size_t n = 0;
  for (const auto& b : r.charts.timeline.buckets) {
    for (long long c : b.per_backend) n += c > 0;
    n += (b.unidentified > 0) + (b.errors > 0);
  }
  return n;
}

TEST(HtmlReport, PageForbidsEveryFetchAndCarriesNoScript) {
  const auto html =
      render_html(test::model_report({test::model_scenario("a", {"www1", "www2"}, 20, 5)}));
  EXPECT_NE(html.find("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                      "style-src 'unsafe-inline'; img-src data:\">"),
            std::string::npos);
  EXPECT_NE(html.find("<meta name=\"viewport\""), std::string::npos);
  EXPECT_NE(html.find("prefers-color-scheme:dark"), std::string::npos);
  EXPECT_NE(html.find("@media print"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src=\"http"), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
}

TEST(HtmlReport, ChartsDrawTheModelsFigures) {
  const auto r = test::model_scenario("a", {"www1", "www2", "www3"}, 40, 12);
  const auto html = render_html(test::model_report({r}));
  EXPECT_EQ(count(html, "class=\"cell "), expected_cells(r));
  EXPECT_EQ(expected_cells(r), 40u * 12u);
  EXPECT_EQ(count(html, "class=\"bar "), expected_timeline_bars(r));
  EXPECT_EQ(count(html, "class=\"sbar "), 3u);
  std::size_t nonzero = 0;
  for (long long c : r.charts.latency.counts) nonzero += c > 0;
  EXPECT_EQ(count(html, "class=\"hbar "), nonzero);
  EXPECT_EQ(count(html, "class=\"dist\""), 1u);  // the kill
  EXPECT_NE(html.find("<code>ROUTEID</code>"), std::string::npos);
}

TEST(HtmlReport, FailedChecksShowTheCausesBeforeTheTable) {
  auto r = test::model_scenario("a", {"www1", "www2"}, 40, 6);
  ASSERT_EQ(r.verdict, ScenarioVerdict::kFail);
  r.evaluation.diagnosis = {"the sticky cookie carries no route"};
  const auto html = render_html(test::model_report({r}));
  const auto causes = html.find("Likely causes");
  ASSERT_NE(causes, std::string::npos);
  EXPECT_LT(causes, html.find("<table class=\"checks\">"));
  EXPECT_NE(html.find("<div class=\"banner fail\">FAIL: "), std::string::npos);
}

// Regression: the run's banner counted verdicts in a 4-slot array, and an inconclusive
// scenario (the fifth verdict) read past it (ASan: stack-buffer-overflow).
TEST(HtmlReport, InconclusiveScenarioIsCountedInTheRunBanner) {
  auto r = test::model_scenario("a", {"www1", "www2"}, 40, 6);
  r.verdict = ScenarioVerdict::kInconclusive;
  r.evaluation.checks.front().verdict = Verdict::kInconclusive;
  const auto html = render_html(test::model_report({r}));
  EXPECT_NE(html.find("<div class=\"banner inconclusive\">1 scenarios: 0 pass, 0 fail, 0 error, "
                      "0 skipped, 1 inconclusive</div>"),
            std::string::npos);
  EXPECT_NE(html.find("<div class=\"banner inconclusive\">INCONCLUSIVE: "), std::string::npos);
  EXPECT_NE(html.find("<span class=\"badge inconclusive\">inconclusive</span>"),
            std::string::npos);
}

TEST(HtmlReport, MatrixCellsLinkToTheirScenario) {
  auto a = test::model_scenario("ref-a", {"www1"}, 4, 2);
  a.scenario.proxy.type = "reference";
  const auto html = render_html(test::model_report({a}));
  EXPECT_NE(html.find("<table class=\"matrix\">"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"#s0\">ref-a</a></small></td>"), std::string::npos);
  EXPECT_NE(html.find("<section class=\"scenario\" id=\"s0\">"), std::string::npos);
}

TEST(HtmlReport, EmptyCookieObservationsAreSaidSo) {
  auto r = test::model_scenario("a", {"www1"}, 4, 2);
  r.cookies.clear();
  EXPECT_NE(render_html(test::model_report({r})).find("No cookie observations recorded."),
            std::string::npos);
}

TEST(HtmlReport, SchemaVersionOneReportSaysWhatItLacks) {
  auto s = test::model_scenario("old", {"www1"}, 4, 2);
  s.charts = {};  // what a version 1 report holds
  s.cookies.clear();
  auto report = test::model_report({s});
  report.schema_version = 1;
  const auto html = render_html(report);
  EXPECT_NE(html.find("Rendered from a schema version 1 report"), std::string::npos);
  EXPECT_NE(html.find("No charts: this report predates them (schema version 1)."),
            std::string::npos);
  EXPECT_EQ(html.find("<svg "), std::string::npos);
}

TEST(HtmlReport, ScenarioWithEmptyFiguresSaysSoInsteadOfDrawing) {
  auto s = test::model_scenario("empty", {"www1"}, 4, 2);
  s.charts = {};
  const auto html = render_html(test::model_report({s}));
  EXPECT_NE(html.find("No session was recorded."), std::string::npos);
  EXPECT_NE(html.find("No request was recorded."), std::string::npos);
  EXPECT_NE(html.find("No first request was recorded."), std::string::npos);
  EXPECT_EQ(html.find("<svg "), std::string::npos);
}

TEST(HtmlReport, HostileStringsAreEscapedEverywhere) {
  const std::string evil = "<script>alert(1)</script>\"><img src=x onerror=alert(2)></svg>\x01\xFF";
  auto r = test::model_scenario(evil, {evil + "1", "www2"}, 10, 4);
  r.cookies = {{evil, evil, {evil}, 1, true}};
  r.error = evil;
  r.logs = {{evil, evil}};
  r.evaluation.diagnosis = {evil};
  const auto html = render_html(test::model_report({r}));
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find('\x01'), std::string::npos);
  EXPECT_EQ(html.find("\xFF"), std::string::npos);
  EXPECT_EQ(count(html, "<svg "), count(html, "</svg>"));
  EXPECT_GT(count(html,
                  "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x "
                  "onerror=alert(2)&gt;&lt;/svg&gt;\xEF\xBF\xBD"),
            5u);
}

TEST(HtmlReport, MillionRequestRunRendersUnderOneSecondInUnderTwoMegabytes) {
  const auto r = test::model_scenario("big", {"www1", "www2", "www3", "www4"}, 100'000, 10);
  ASSERT_EQ(r.charts.latency.requests, 1'000'000);
  const auto report = test::model_report({r});
  const auto t0 = std::chrono::steady_clock::now();
  const auto html = render_html(report);
  const auto elapsed = std::chrono::steady_clock::now() - t0;
  EXPECT_LT(elapsed, std::chrono::seconds(1));
  EXPECT_LT(html.size(), 2u * 1024 * 1024);
  EXPECT_EQ(count(html, "class=\"cell "), expected_cells(r));
}

}  // namespace
}  // namespace sc

namespace sc {
namespace {

TEST(HtmlReport, AnswersByStatusAreTabledPerBackend) {
  auto r = test::model_scenario("a", {"www1", "www2"}, 20, 5);
  r.metrics.statuses = {{200, 90}, {302, 10}};
  r.metrics.statuses_without_backend = {{302, 10}};
  r.metrics.backends[0].second.statuses = {{200, 45}};
  const auto html = render_html(test::model_report({r}));
  EXPECT_NE(html.find("<caption>Answers by HTTP status</caption>"), std::string::npos);
  EXPECT_NE(html.find("<tr><td>all</td><td>200 (90), 302 (10)</td></tr>"), std::string::npos);
  EXPECT_NE(html.find("<tr><td>www1</td><td>200 (45)</td></tr>"), std::string::npos);
  EXPECT_NE(html.find("<tr><td>naming no backend</td><td>302 (10)</td></tr>"), std::string::npos);
}

}  // namespace
}  // namespace sc
