#pragma once
// Cookie header parsing as an application (PHP) sees it, and Set-Cookie inspection.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sc {

struct CookiePair {
  std::string name;
  std::string value;
};

// Splits "a=1; b=2" into pairs in order (duplicates kept), trimming blanks around
// names and values. Pieces without '=' are skipped.
std::vector<CookiePair> parse_cookie_header(std::string_view header);

// First value for `name`, as PHP's $_COOKIE keeps the first of duplicate names.
std::optional<std::string> first_cookie(const std::vector<CookiePair>& pairs,
                                        std::string_view name);

}  // namespace sc
