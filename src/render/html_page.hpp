#pragma once
// The HTML document around the report: no script, no network (a Content-Security-Policy
// that forbids every fetch), styles inline, light and dark, printable, phone-sized.
#include <string>
#include <string_view>

namespace sc {

// `title` is plain text (escaped here); `body` is HTML the section renderers produced.
std::string html_page(std::string_view title, std::string_view body);

// The class of backend number `index`'s colour (eight colours, then they repeat).
std::string backend_class(int index);
inline constexpr int kBackendColours = 8;

}  // namespace sc
