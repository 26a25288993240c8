#include "contract/contract_reader.hpp"

#include <nlohmann/json.hpp>

#include "contract/backend_contract.hpp"
#include "util/text.hpp"

namespace sc {

bool ContractReader::wants_header(std::string_view lower_name) const {
  static const std::string kLowerBackendHeader = to_lower(contract::kBackendHeader);
  return lower_name == kLowerBackendHeader || lower_name == "set-cookie";
}

void ContractReader::read(const ResponseView& response, ResponseFacts& facts) {
  for (const auto& h : response.headers) {
    if (h.name == "set-cookie")
      cookies_.add(h.value);
    else
      facts.backend = h.value;
  }
  if (response.body_truncated) return;  // not a mock backend's answer
  // Fills the fields the mock backend reports in its JSON body; other bodies leave them unset.
  auto j = nlohmann::json::parse(response.body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return;
  namespace f = contract::field;
  if (auto it = j.find(f::kSessionId); it != j.end() && it->is_string())
    facts.session_id = it->get<std::string>();
  if (auto it = j.find(f::kSessionNew); it != j.end() && it->is_boolean())
    facts.session_new = it->get<bool>();
  if (auto it = j.find(f::kSessionLost); it != j.end() && it->is_boolean())
    facts.session_lost = it->get<bool>();
  if (auto it = j.find(f::kSessionExpired); it != j.end() && it->is_boolean())
    facts.session_expired = it->get<bool>();
  if (watch_cookie_.empty()) return;
  if (auto it = j.find(f::kCookies); it != j.end() && it->is_array()) {
    for (const auto& c : *it) {
      if (c.is_object() && c.value(f::kCookieName, "") == watch_cookie_) {
        facts.sticky_value = c.value(f::kCookieValue, "");
        break;  // the first, as the application reads it
      }
    }
  }
}

}  // namespace sc
