#include "driver/records.hpp"

namespace sc {

std::uint32_t StringTable::intern(std::string_view s) {
  if (s.empty()) return kNone;
  auto it = ids_.find(std::string(s));
  if (it != ids_.end()) return it->second;
  auto id = static_cast<std::uint32_t>(strings_.size());
  strings_.emplace_back(s);
  ids_.emplace(strings_.back(), id);
  return id;
}

std::uint32_t StringTable::find(std::string_view s) const {
  auto it = ids_.find(std::string(s));
  return it == ids_.end() ? kNone : it->second;
}

}  // namespace sc
