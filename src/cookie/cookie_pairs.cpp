#include "cookie/cookie_pairs.hpp"

#include "util/text.hpp"

namespace sc {

std::vector<CookiePair> parse_cookie_header(std::string_view header) {
  std::vector<CookiePair> out;
  for (auto piece : split(header, ';')) {
    auto eq = piece.find('=');
    if (eq == std::string_view::npos) continue;
    auto name = trim(piece.substr(0, eq));
    if (name.empty()) continue;
    out.push_back({std::string(name), std::string(trim(piece.substr(eq + 1)))});
  }
  return out;
}

std::optional<std::string> first_cookie(const std::vector<CookiePair>& pairs,
                                        std::string_view name) {
  for (const auto& p : pairs)
    if (p.name == name) return p.value;
  return std::nullopt;
}

}  // namespace sc
