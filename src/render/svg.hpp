#pragma once
// Inline SVG, built as text: the charts of the HTML report. Every text and title passes
// through html_escape; classes and numbers are the renderer's own.
#include <string>
#include <string_view>

namespace sc {

class Svg {
 public:
  // A chart `width` x `height` user units wide, scaling to its container; `label` is what a
  // screen reader announces.
  Svg(double width, double height, std::string_view css_class, std::string_view label);

  void rect(double x, double y, double w, double h, std::string_view css_class,
            std::string_view title = {});
  void line(double x1, double y1, double x2, double y2, std::string_view css_class);
  void circle(double cx, double cy, double r, std::string_view css_class);
  // anchor: start | middle | end
  void text(double x, double y, std::string_view content, std::string_view css_class = {},
            std::string_view anchor = "start");
  // Groups what follows under one tooltip (e.g. a row of cells).
  void open_group(std::string_view title);
  void close_group();

  std::string finish();  // the <svg> element; the Svg is spent

 private:
  std::string out_;
};

// Numbers in SVG attributes: at most two decimals, no exponent, no locale.
std::string svg_number(double v);

}  // namespace sc
