#include "balancer/request_view.hpp"

namespace sc {

std::string merged_cookie_header(const net::Request& req) {
  std::string merged;
  for (const auto& field : req) {  // a walk: cheaper than the tree lookup for a few fields
    if (field.name() != net::http::field::cookie) continue;
    if (!merged.empty()) merged += ", ";
    merged += field.value();
  }
  return merged;
}

}  // namespace sc
