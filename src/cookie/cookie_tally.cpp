#include "cookie/cookie_tally.hpp"

#include <algorithm>

#include "util/text.hpp"

namespace sc {

void CookieTally::add(std::string_view set_cookie) {
  const auto semicolon = set_cookie.find(';');
  const std::string_view pair = set_cookie.substr(0, semicolon);
  const auto eq = pair.find('=');
  if (eq == std::string_view::npos) return;  // browsers ignore it too
  const std::string_view name = trim(pair.substr(0, eq));
  if (name.empty() || name.size() > kMaxText) return;
  std::string_view value = trim(pair.substr(eq + 1));
  value = value.substr(0, kMaxText);
  auto it = index_.find(std::string(name));
  if (it == index_.end()) {
    if (entries_.size() >= kMaxNames) return;
    Entry e;
    e.name = name;
    if (semicolon != std::string_view::npos)
      e.attributes = trim(set_cookie.substr(semicolon + 1)).substr(0, kMaxText);
    it = index_.emplace(e.name, entries_.size()).first;
    entries_.push_back(std::move(e));
  }
  Entry& e = entries_[it->second];
  ++e.responses;
  if (!value.empty() && e.examples.size() < kMaxExamples &&
      std::find(e.examples.begin(), e.examples.end(), value) == e.examples.end())
    e.examples.emplace_back(value);
}

}  // namespace sc
