#include "render/html_charts.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "render/html_format.hpp"
#include "render/html_page.hpp"
#include "render/svg.hpp"
#include "render/text_escape.hpp"

namespace sc {

namespace {

std::string backend_name(const std::vector<std::string>& backends, int index) {
  return index >= 0 && index < static_cast<int>(backends.size())
             ? backends[static_cast<std::size_t>(index)]
             : "no backend";
}

std::string cell_title(const SessionSample& s, std::size_t seq, const SampleCell& c) {
  std::string t = fmt::format("request {}: {}", seq + 1, backend_name(s.backends, c.backend));
  if (c.lost) t += ", session lost";
  if (c.error) t += ", error";
  return t;
}

void affinity_row(Svg& svg, const SessionSample& s, const SampledSession& row, double y, double x0,
                  double cw, double ch) {
  svg.open_group(fmt::format("session {}{}", row.session, row.cookieless ? " (no cookies)" : ""));
  svg.text(x0 - 4, y + ch - 1.5, fmt::format("{}", row.session), "", "end");
  for (std::size_t i = 0; i < row.cells.size(); ++i) {
    const auto& c = row.cells[i];
    const double x = x0 + double(i) * cw;
    svg.rect(x, y, cw - 1, ch - 1, "cell " + backend_class(c.backend), cell_title(s, i, c));
    if (c.error) {
      svg.line(x, y, x + cw - 1, y + ch - 1, "errmark");
      svg.line(x, y + ch - 1, x + cw - 1, y, "errmark");
    }
    if (c.lost) svg.circle(x + (cw - 1) / 2, y + (ch - 1) / 2, std::min(cw, ch) / 4, "lost");
  }
  svg.close_group();
}

std::string affinity_caption(const SessionSample& s) {
  std::string caption = fmt::format("{} of {} sessions shown ({})", s.sessions.size(),
                                    format_count(s.total_sessions), s.selection);
  std::size_t longest = 0;
  for (const auto& row : s.sessions) longest = std::max(longest, row.cells.size());
  if (s.max_requests > 0 && longest >= s.max_requests)
    caption += fmt::format("; the first {} requests of each", s.max_requests);
  caption += fmt::format(
      ". {} sessions of the run had a backend switch, a session loss or an "
      "error. Rows are session numbers; a sticky session is one colour.",
      format_count(s.anomalous_sessions));
  return caption;
}

}  // namespace

std::string backend_legend(const std::vector<std::string>& backends, bool with_marks) {
  std::string out = "<div class=\"legend\">";
  for (std::size_t i = 0; i < backends.size(); ++i)
    out += fmt::format("<span><span class=\"swatch {}\"></span>{}</span>",
                       backend_class(static_cast<int>(i)), html_escape(backends[i]));
  out += "<span><span class=\"swatch bn\"></span>no backend identity</span>";
  if (with_marks)
    out += "<span>✕ error (no answer or 5xx)</span><span>○ session lost</span>";
  else
    out += "<span><span class=\"swatch err\"></span>errors (below the axis)</span>";
  return out + "</div>";
}

std::string affinity_map_html(const SessionSample& s) {
  if (s.sessions.empty()) return "<p class=\"muted\">No session was recorded.</p>";
  std::size_t cols = 1;
  for (const auto& row : s.sessions) cols = std::max(cols, row.cells.size());
  const double x0 = 56, cw = std::clamp(840.0 / double(cols), 3.0, 32.0), ch = 10;
  const double width = x0 + double(cols) * cw + 4, height = double(s.sessions.size()) * ch + 16;
  Svg svg(width, height, "affinity", "affinity map: one row per session, one cell per request");
  svg.text(x0, 10, "request 1 →");
  for (std::size_t r = 0; r < s.sessions.size(); ++r)
    affinity_row(svg, s, s.sessions[r], 14 + double(r) * ch, x0, cw, ch);
  return fmt::format("<figure>{}{}<figcaption>{}</figcaption></figure>",
                     backend_legend(s.backends, true), svg.finish(),
                     html_escape(affinity_caption(s)));
}

std::string latency_html(const LatencyHistogram& h) {
  std::string table = fmt::format(
      "<table class=\"latency\"><tr><th class=\"num\">requests</th><th class=\"num\">p50</th>"
      "<th class=\"num\">p90</th><th class=\"num\">p99</th><th class=\"num\">max</th></tr>"
      "<tr><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
      "<td class=\"num\">{}</td><td class=\"num\">{}</td></tr></table>",
      format_count(h.requests), format_us(h.p50_us), format_us(h.p90_us), format_us(h.p99_us),
      format_us(h.max_us));
  std::size_t first = h.counts.size(), last = 0;
  for (std::size_t i = 0; i < h.counts.size(); ++i)
    if (h.counts[i] > 0) first = std::min(first, i), last = i;
  table += "<p class=\"muted\">Every recorded request, those of disturbed sessions included.</p>";
  if (first == h.counts.size()) return table;  // no request, or a report without the histogram
  const long long top = *std::max_element(h.counts.begin(), h.counts.end());
  const std::size_t n = last - first + 1;
  const double x0 = 40, bw = std::min(60.0, 840.0 / double(n)), base = 150;
  Svg svg(x0 + double(n) * bw + 10, 180, "histogram", "latency histogram, log-scale buckets");
  svg.line(x0, base, x0 + double(n) * bw, base, "axis");
  svg.text(x0 - 4, 12, format_count(top), "", "end");
  for (std::size_t i = first; i <= last; ++i) {
    const double x = x0 + double(i - first) * bw, hgt = double(h.counts[i]) / double(top) * 135;
    const std::string upper = h.upper_us[i] == INT64_MAX ? "more" : "≤" + format_us(h.upper_us[i]);
    if (h.counts[i] > 0)
      svg.rect(x + 1, base - hgt, bw - 2, hgt, "hbar b0",
               fmt::format("{} requests {}", format_count(h.counts[i]),
                           h.upper_us[i] == INT64_MAX ? "slower" : "took " + upper));
    svg.text(x + bw / 2, base + 14, upper, "small", "middle");
  }
  return table + svg.finish();
}

}  // namespace sc
