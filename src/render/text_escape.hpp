#pragma once
// Everything a renderer prints that came from the report (and so, possibly, from a server:
// backend identities, cookie values, error texts) goes through these, and nothing else.
#include <string>
#include <string_view>

namespace sc {

// Valid UTF-8 with no control characters but tab and newline: each invalid byte becomes
// U+FFFD, C0/C1 controls, DEL and the noncharacters U+FFFE/U+FFFF (which XML 1.0 forbids)
// are dropped.
std::string clean_text(std::string_view s);

// clean_text, then & < > " ' as character references: safe in HTML text and in a quoted
// attribute value alike.
std::string html_escape(std::string_view s);

// clean_text, then & < > " ' and tab/newline as references (attribute values keep them).
std::string xml_escape(std::string_view s);

}  // namespace sc
