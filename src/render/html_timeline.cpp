// The timeline and spread charts (see html_charts.hpp).
#include <fmt/format.h>

#include <algorithm>

#include "render/html_charts.hpp"
#include "render/html_format.hpp"
#include "render/html_page.hpp"
#include "render/svg.hpp"
#include "render/text_escape.hpp"

namespace sc {

namespace {

struct Plot {
  double x0 = 50, x1 = 890, top = 24, base = 170, err_base = 182, err_height = 40;
  double bucket_width(std::size_t n) const { return (x1 - x0) / double(n); }
};

long long bucket_total(const TimeBucket& b) {
  long long total = b.unidentified;
  for (long long n : b.per_backend) total += n;
  return total;
}

std::string span_text(const Timeline& t, std::size_t i) {
  return fmt::format("{}–{}", format_us(std::int64_t(i) * t.width_us),
                     format_us(std::int64_t(i + 1) * t.width_us));
}

// One stacked column: each backend's share, then the requests without a backend identity.
void bucket_column(Svg& svg, const Timeline& t, std::size_t i, const Plot& p, long long top) {
  const auto& b = t.buckets[i];
  const double bw = p.bucket_width(t.buckets.size()), x = p.x0 + double(i) * bw;
  double y = p.base;
  auto segment = [&](long long n, const std::string& cls, const std::string& who) {
    if (n <= 0) return;
    const double h = double(n) / double(top) * (p.base - p.top);
    y -= h;
    svg.rect(x + 0.5, y, std::max(bw - 1, 0.5), h, "bar " + cls,
             fmt::format("{}: {} requests, {}", span_text(t, i), format_count(n), who));
  };
  for (std::size_t k = 0; k < b.per_backend.size(); ++k)
    segment(b.per_backend[k], backend_class(static_cast<int>(k)), t.backends[k]);
  segment(b.unidentified, "bn", "no backend identity");
}

void error_column(Svg& svg, const Timeline& t, std::size_t i, const Plot& p, long long top) {
  const auto& b = t.buckets[i];
  if (b.errors <= 0) return;
  const double bw = p.bucket_width(t.buckets.size()), x = p.x0 + double(i) * bw;
  const double h = std::max(1.0, double(b.errors) / double(top) * p.err_height);
  svg.rect(x + 0.5, p.err_base, std::max(bw - 1, 0.5), h, "bar errbar",
           fmt::format("{}: {} errors", span_text(t, i), format_count(b.errors)));
}

void time_axis(Svg& svg, const Timeline& t, const Plot& p) {
  svg.line(p.x0, p.base, p.x1, p.base, "axis");
  const std::size_t n = t.buckets.size(), step = std::max<std::size_t>(1, n / 6);
  for (std::size_t i = 0; i <= n; i += step) {
    const double x = p.x0 + double(i) * p.bucket_width(n);
    svg.line(x, p.base, x, p.base + 4, "axis");
    svg.text(x, p.err_base + p.err_height + 14, format_us(std::int64_t(i) * t.width_us), "small",
             "middle");
  }
}

void disturbance_marks(Svg& svg, const Timeline& t, const std::vector<FiredDisturbance>& ds,
                       const Plot& p) {
  const double span = double(t.width_us) * double(t.buckets.size());
  for (std::size_t i = 0; i < ds.size(); ++i) {
    if (ds[i].at_us < 0 || span <= 0) continue;
    const double x = p.x0 + double(ds[i].at_us) / span * (p.x1 - p.x0);
    svg.open_group(fmt::format("{} {} at {}", to_string(ds[i].spec.action), ds[i].spec.backend,
                               format_us(ds[i].at_us)));
    svg.line(x, p.top - 6, x, p.err_base + p.err_height, "dist");
    svg.text(x + 3, 10 + double(i % 2) * 10,
             fmt::format("{} {}", to_string(ds[i].spec.action), ds[i].spec.backend));
    svg.close_group();
  }
}

}  // namespace

std::string timeline_html(const Timeline& t, const std::vector<FiredDisturbance>& disturbances) {
  if (t.buckets.empty() || t.width_us <= 0)
    return "<p class=\"muted\">No request was recorded.</p>";
  long long top = 1, top_errors = 1;
  for (const auto& b : t.buckets) {
    top = std::max(top, bucket_total(b));
    top_errors = std::max(top_errors, b.errors);
  }
  const Plot p;
  Svg svg(900, p.err_base + p.err_height + 20, "timeline",
          "requests per backend over time, errors below the axis, disturbances marked");
  svg.text(p.x0 - 4, p.top + 4, format_count(top), "small", "end");
  svg.text(p.x0 - 4, p.err_base + 8, "errors", "small", "end");
  for (std::size_t i = 0; i < t.buckets.size(); ++i) {
    bucket_column(svg, t, i, p, top);
    error_column(svg, t, i, p, top_errors);
  }
  time_axis(svg, t, p);
  disturbance_marks(svg, t, disturbances, p);
  return fmt::format(
      "<figure>{}{}<figcaption>Requests by the time they began, in buckets of {}; the error "
      "band's scale tops at {} errors per bucket. Dashed lines: disturbances.</figcaption>"
      "</figure>",
      backend_legend(t.backends, false), svg.finish(), html_escape(format_us(t.width_us)),
      format_count(top_errors));
}

std::string spread_html(const std::vector<SpreadRow>& spread, const ChiSquareResult& chi,
                        double alpha) {
  if (spread.empty()) return "<p class=\"muted\">No first request was recorded.</p>";
  double top = 1;
  for (const auto& r : spread) top = std::max({top, double(r.observed), r.expected});
  const double x0 = 130, x1 = 760, rh = 24;
  Svg svg(900, double(spread.size()) * rh + 8, "spread",
          "new sessions per backend against the weights");
  for (std::size_t i = 0; i < spread.size(); ++i) {
    const auto& r = spread[i];
    const double y = 4 + double(i) * rh, w = double(r.observed) / top * (x1 - x0);
    svg.text(x0 - 6, y + 15, r.backend, "", "end");
    svg.rect(x0, y + 3, std::max(w, 0.5), rh - 8, "sbar " + backend_class(static_cast<int>(i)),
             fmt::format("{}: {} new sessions", r.backend, format_count(r.observed)));
    if (r.weight > 0) {
      const double ex = x0 + r.expected / top * (x1 - x0);
      svg.line(ex, y, ex, y + rh - 2, "expected");
    }
    svg.text(x1 + 8, y + 15,
             r.weight > 0
                 ? fmt::format("{} (expected {:.1f}, weight {})", r.observed, r.expected, r.weight)
                 : fmt::format("{} (not configured)", r.observed));
  }
  std::string test =
      chi.applicable
          ? fmt::format(
                "Chi-square goodness of fit of the first requests against the weights: "
                "n = {}, df = {}, χ² = {:.3f}, p = {:.4g} (α = {}).",
                chi.n, chi.df, chi.statistic, chi.p_value, alpha)
          : fmt::format("Chi-square test not applicable (n = {}): {}", chi.n, chi.reason);
  return fmt::format(
      "<figure>{}<figcaption>Bars: sessions whose first request each backend "
      "answered; black marks: what the weights expect. {}</figcaption></figure>",
      svg.finish(), html_escape(test));
}

}  // namespace sc
