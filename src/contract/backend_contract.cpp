#include "contract/backend_contract.hpp"

namespace sc::contract {

std::string route_cookie_value(std::string_view templ, std::string_view name,
                               std::string_view route) {
  static constexpr std::string_view kName = "{name}", kRoute = "{route}";
  std::string out;
  for (std::size_t i = 0; i < templ.size(); ++i) {
    if (templ.substr(i).starts_with(kName)) {
      out += name;
      i += kName.size() - 1;
    } else if (templ.substr(i).starts_with(kRoute)) {
      out += route;
      i += kRoute.size() - 1;
    } else {
      out.push_back(templ[i]);
    }
  }
  return out;
}

}  // namespace sc::contract
