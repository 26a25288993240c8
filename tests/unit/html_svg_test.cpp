// The SVG primitives the charts are drawn with.
#include <gtest/gtest.h>

#include "render/svg.hpp"

namespace sc {
namespace {

TEST(HtmlSvg, NumbersHaveAtMostTwoDecimalsAndNoExponent) {
  EXPECT_EQ(svg_number(3), "3");
  EXPECT_EQ(svg_number(2.5), "2.5");
  EXPECT_EQ(svg_number(1.0 / 3), "0.33");
  EXPECT_EQ(svg_number(1e9), "1000000000");
  EXPECT_EQ(svg_number(-0.001), "0");
  EXPECT_EQ(svg_number(std::numeric_limits<double>::quiet_NaN()), "0");
}

TEST(HtmlSvg, ElementsCarryEscapedTitlesAndText) {
  Svg svg(100, 50, "chart", "a <chart>");
  svg.rect(1, 2, 3, 4, "bar b0", "</svg><script>x</script>");
  svg.line(0, 0, 10, 10, "axis");
  svg.circle(5, 5, 2, "lost");
  svg.text(1, 1, "www<1>", "", "end");
  svg.open_group("group & co");
  svg.close_group();
  EXPECT_EQ(svg.finish(),
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 100 50\" "
            "width=\"100\" height=\"50\" role=\"img\" aria-label=\"a &lt;chart&gt;\" "
            "preserveAspectRatio=\"xMinYMin meet\">"
            "<rect class=\"bar b0\" x=\"1\" y=\"2\" width=\"3\" height=\"4\"><title>&lt;/svg&gt;"
            "&lt;script&gt;x&lt;/script&gt;</title></rect>"
            "<line class=\"axis\" x1=\"0\" y1=\"0\" x2=\"10\" y2=\"10\"/>"
            "<circle class=\"lost\" cx=\"5\" cy=\"5\" r=\"2\"/>"
            "<text x=\"1\" y=\"1\" text-anchor=\"end\">www&lt;1&gt;</text>"
            "<g><title>group &amp; co</title></g></svg>");
}

}  // namespace
}  // namespace sc
