#include "cookie/sticky_lookup.hpp"

#include "util/text.hpp"

namespace sc {

std::optional<std::string> apache_cookie_value(std::string_view cookies, std::string_view name) {
  if (name.empty()) return std::nullopt;
  for (auto pos = cookies.find(name); pos != std::string_view::npos;
       pos = cookies.find(name, pos + 1)) {
    if (pos != 0) {
      char before = cookies[pos - 1];
      if (before != ';' && before != ',' && !is_c_space(before)) continue;
    }
    std::size_t p = pos + name.size();
    while (p < cookies.size() && is_c_space(cookies[p])) ++p;
    if (p >= cookies.size() || cookies[p] != '=') continue;
    ++p;
    if (p >= cookies.size()) continue;  // "NAME=" at the very end: httpd skips it
    auto value = cookies.substr(p);
    auto cut = value.find_first_of(";,");
    if (cut != std::string_view::npos) value = value.substr(0, cut);
    return std::string(value);
  }
  return std::nullopt;
}

std::optional<std::string> apache_url_param(std::string_view url, std::string_view name,
                                            bool semicolon_delimits) {
  if (name.empty()) return std::nullopt;
  std::string_view delims = semicolon_delimits ? ";?&" : "?&";
  for (auto pos = url.find(name); pos != std::string_view::npos; pos = url.find(name, pos + 1)) {
    std::size_t p = pos + name.size();
    if (p >= url.size() || url[p] != '=') continue;
    ++p;
    if (p >= url.size()) continue;
    // apr_strtok: skip leading delimiters, then take up to the next one.
    auto start = url.find_first_not_of(delims, p);
    if (start == std::string_view::npos) return std::nullopt;
    auto end = url.find_first_of(delims, start);
    return std::string(url.substr(start, end == std::string_view::npos ? end : end - start));
  }
  return std::nullopt;
}

std::optional<std::string> route_of(std::string_view value, char separator) {
  if (separator == 0) {
    if (value.empty()) return std::nullopt;
    return std::string(value);
  }
  auto pos = value.find(separator);
  if (pos == std::string_view::npos || pos + 1 == value.size()) return std::nullopt;
  return std::string(value.substr(pos + 1));
}

StickyConfig StickyConfig::from_stickysession(std::string_view spec) {
  StickyConfig c;
  auto bar = spec.find('|');
  std::string_view cookie = spec.substr(0, bar);
  std::string_view param = bar == std::string_view::npos ? cookie : spec.substr(bar + 1);
  constexpr std::size_t kMaxName = 63;
  c.cookie_name = std::string(cookie.substr(0, kMaxName));
  c.param_name = std::string(param.substr(0, kMaxName));
  return c;
}

StickyLookup find_sticky(const StickyConfig& config, std::string_view url,
                         std::string_view cookie_header) {
  StickyLookup out;
  if (config.cookie_name.empty() && config.param_name.empty()) return out;
  if (auto v = apache_url_param(url, config.param_name, config.semicolon_delimits)) {
    out.value = std::move(v);
    out.source_name = config.param_name;
    out.from_url = true;
  } else if (auto c = apache_cookie_value(cookie_header, config.cookie_name)) {
    out.value = std::move(c);
    out.source_name = config.cookie_name;
  }
  if (out.value) out.route = route_of(*out.value, config.separator);
  return out;
}

}  // namespace sc
