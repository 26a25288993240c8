#include "render/html_report.hpp"

#include <fmt/format.h>

#include "render/html_charts.hpp"
#include "render/html_format.hpp"
#include "render/html_page.hpp"
#include "render/html_sections.hpp"
#include "render/text_escape.hpp"
#include "report/matrix.hpp"

namespace sc {

namespace {

std::string anchor(std::size_t index) { return fmt::format("s{}", index); }

std::string badge(ScenarioVerdict v) {
  return fmt::format("<span class=\"badge {0}\">{0}</span>", to_string(v));
}

std::string run_header(const Report& report) {
  const auto n = count_verdicts(report);
  const int code = exit_code_for(report);
  const char* cls = code == 0                         ? "pass"
                    : report.interrupted || n.error   ? "error"
                    : n.fail                          ? "fail"
                                                      : "inconclusive";
  std::string out = "<header><h1>stickycheck report</h1>";
  out += fmt::format(
      "<div class=\"banner {}\">{} scenarios: {} pass, {} fail, {} error, {} skipped{}{}</div>",
      cls, report.scenarios.size(), n.pass, n.fail, n.error, n.skipped,
      n.inconclusive ? fmt::format(", {} inconclusive", n.inconclusive) : "",
      report.interrupted ? " (interrupted)" : "");
  std::string command;
  for (const auto& a : report.command_line) command += (command.empty() ? "" : " ") + a;
  out += fmt::format("<p class=\"muted\">Started {} · stickycheck {} · exit code {}{}</p>",
                     html_escape(report.started_at), html_escape(report.tool_version), code,
                     command.empty() ? "" : " · <code>" + html_escape(command) + "</code>");
  if (report.schema_version < 2)
    out += fmt::format(
        "<p class=\"muted\">Rendered from a schema version {} report: it holds no "
        "time buckets, session sample, latency histogram or cookie observations, "
        "so those parts are empty.</p>",
        report.schema_version);
  return out + "</header>";
}

std::string contents(const Report& report) {
  std::string out = "<nav><h2>Scenarios</h2><ul>";
  for (std::size_t i = 0; i < report.scenarios.size(); ++i)
    out += fmt::format("<li>{} <a href=\"#{}\">{}</a></li>", badge(report.scenarios[i].verdict),
                       anchor(i), html_escape(report.scenarios[i].scenario.name));
  return out + "</ul></nav>";
}

std::string matrix_cell(const MatrixCell& cell, const Report& report) {
  std::string link = html_escape(cell.scenario);
  for (std::size_t i = 0; i < report.scenarios.size(); ++i)
    if (report.scenarios[i].scenario.name == cell.scenario)
      link = fmt::format("<a href=\"#{}\">{}</a>", anchor(i), link);
  return fmt::format("<td class=\"{}\">{}<br>{}<br><small>{}</small></td>", to_string(cell.verdict),
                     badge(cell.verdict), html_escape(cell.observed), link);
}

std::string matrix_html(const Report& report) {
  const auto m = build_matrix(report);
  if (m.empty()) return "";
  std::string out =
      "<h2>Conformance matrix</h2><p class=\"muted\">A cell passes when the proxy "
      "behaved as its scenario documents.</p><div class=\"table-wrap\">"
      "<table class=\"matrix\"><tr><th>behaviour</th>";
  for (const auto& p : m.proxies) out += "<th>" + html_escape(p) + "</th>";
  out += "</tr>";
  for (std::size_t r = 0; r < m.behaviours.size(); ++r) {
    out += "<tr><th>" + html_escape(m.behaviours[r]) + "</th>";
    for (std::size_t c = 0; c < m.proxies.size(); ++c)
      out += m.cells[r][c] ? matrix_cell(*m.cells[r][c], report) : "<td class=\"muted\">–</td>";
    out += "</tr>";
  }
  return out + "</table></div>";
}

std::string scenario_html(const ScenarioReport& r, std::size_t index, const Report& report) {
  const bool ran = r.verdict == ScenarioVerdict::kPass || r.verdict == ScenarioVerdict::kFail ||
                   r.verdict == ScenarioVerdict::kInconclusive;
  std::string out = fmt::format("<section class=\"scenario\" id=\"{}\"><h2>{}</h2>", anchor(index),
                                html_escape(r.scenario.name));
  out += verdict_banner(r);
  if (!r.scenario.description.empty()) out += "<p>" + html_escape(r.scenario.description) + "</p>";
  out += causes_html(r) + identity_html(r) + checks_table(r) + failure_html(r);
  if (report.schema_version < 2) {
    out += "<p class=\"muted\">No charts: this report predates them (schema version " +
           std::to_string(report.schema_version) + ").</p>" + disturbances_table(r);
  } else if (ran || r.metrics.requests > 0) {
    out += "<h3>Affinity map</h3>" + affinity_map_html(r.charts.sample);
    out += "<h3>Timeline</h3>" + timeline_html(r.charts.timeline, r.disturbances);
    out += disturbances_table(r);
    out += "<h3>Spread of new sessions</h3>" +
           spread_html(r.charts.spread, r.evaluation.distribution, r.scenario.expect.alpha);
    out += "<h3>Latency</h3>" + latency_html(r.charts.latency);
    out += "<h3>Cookies</h3>" + cookies_html(r);
  }
  out += "<h3>What ran</h3>" + what_ran_html(r, report);
  return out + "</section>";
}

}  // namespace

std::string render_html(const Report& report) {
  std::string body = run_header(report);
  body += contents(report);
  body += matrix_html(report);
  for (std::size_t i = 0; i < report.scenarios.size(); ++i)
    body += scenario_html(report.scenarios[i], i, report);
  return html_page("stickycheck report " + report.started_at, body);
}

}  // namespace sc
