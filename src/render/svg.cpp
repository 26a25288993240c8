#include "render/svg.hpp"

#include <fmt/format.h>

#include <cmath>

#include "render/text_escape.hpp"

namespace sc {

std::string svg_number(double v) {
  if (!std::isfinite(v)) return "0";
  std::string s = fmt::format("{:.2f}", v);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

Svg::Svg(double width, double height, std::string_view css_class, std::string_view label) {
  out_ = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"{0}\" viewBox=\"0 0 {1} {2}\" "
      "width=\"{1}\" height=\"{2}\" role=\"img\" aria-label=\"{3}\" "
      "preserveAspectRatio=\"xMinYMin meet\">",
      html_escape(css_class), svg_number(width), svg_number(height), html_escape(label));
}

void Svg::rect(double x, double y, double w, double h, std::string_view css_class,
               std::string_view title) {
  out_ += fmt::format("<rect class=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"",
                      html_escape(css_class), svg_number(x), svg_number(y), svg_number(w),
                      svg_number(h));
  if (title.empty())
    out_ += "/>";
  else
    out_ += fmt::format("><title>{}</title></rect>", html_escape(title));
}

void Svg::line(double x1, double y1, double x2, double y2, std::string_view css_class) {
  out_ += fmt::format("<line class=\"{}\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>",
                      html_escape(css_class), svg_number(x1), svg_number(y1), svg_number(x2),
                      svg_number(y2));
}

void Svg::circle(double cx, double cy, double r, std::string_view css_class) {
  out_ += fmt::format("<circle class=\"{}\" cx=\"{}\" cy=\"{}\" r=\"{}\"/>", html_escape(css_class),
                      svg_number(cx), svg_number(cy), svg_number(r));
}

void Svg::text(double x, double y, std::string_view content, std::string_view css_class,
               std::string_view anchor) {
  out_ += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"{}\"", svg_number(x), svg_number(y),
                      html_escape(anchor));
  if (!css_class.empty()) out_ += fmt::format(" class=\"{}\"", html_escape(css_class));
  out_ += fmt::format(">{}</text>", html_escape(content));
}

void Svg::open_group(std::string_view title) {
  out_ += fmt::format("<g><title>{}</title>", html_escape(title));
}

void Svg::close_group() { out_ += "</g>"; }

std::string Svg::finish() {
  out_ += "</svg>";
  return std::move(out_);
}

}  // namespace sc
