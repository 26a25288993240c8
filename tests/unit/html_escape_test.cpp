// The one escaping path of the HTML and JUnit renderers: markup characters, control
// characters and invalid UTF-8 from a server never reach the output as they came.
#include <gtest/gtest.h>

#include "render/text_escape.hpp"

namespace sc {
namespace {

TEST(HtmlEscape, MarkupCharactersBecomeReferences) {
  EXPECT_EQ(html_escape("<script>alert('x')</script>"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
  EXPECT_EQ(html_escape("\"><img src=x onerror=alert(1)>"),
            "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
  EXPECT_EQ(html_escape("a & b"), "a &amp; b");
}

TEST(HtmlEscape, ControlCharactersAreDroppedButTabAndNewlineKept) {
  EXPECT_EQ(html_escape(std::string("a\x00"
                                    "b\x01\x1b[31mc\x7f",
                                    11)),
            "ab[31mc");
  EXPECT_EQ(html_escape("line\tone\nline\rtwo"), "line\tone\nlinetwo");
  EXPECT_EQ(html_escape("c1\xC2\x85"
                        "end"),
            "c1end");  // U+0085, a C1 control
}

TEST(HtmlEscape, InvalidUtf8BecomesReplacementCharacters) {
  EXPECT_EQ(clean_text("a\xFF"
                       "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(clean_text("\xC0\xBC"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // overlong '<'
  EXPECT_EQ(clean_text("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_EQ(clean_text("cut \xE2\x82"), "cut \xEF\xBF\xBD\xEF\xBF\xBD");          // truncated
}

TEST(HtmlEscape, ValidMultibyteTextIsKept) { EXPECT_EQ(html_escape("Grüße ✓ 𝄞"), "Grüße ✓ 𝄞"); }

TEST(XmlEscape, ForbiddenCharactersAreRemovedAndWhitespaceKeptAsReferences) {
  EXPECT_EQ(xml_escape(std::string("a\x00\x01\x08"
                                   "b",
                                   5)),
            "ab");
  EXPECT_EQ(xml_escape("\xEF\xBF\xBE\xEF\xBF\xBF"
                       "x"),
            "x");  // U+FFFE, U+FFFF
  EXPECT_EQ(xml_escape("k='v'\t\"w\"\n<&>"), "k=&apos;v&apos;&#9;&quot;w&quot;&#10;&lt;&amp;&gt;");
  EXPECT_EQ(xml_escape("\xFE"), "\xEF\xBF\xBD");
}

}  // namespace
}  // namespace sc
