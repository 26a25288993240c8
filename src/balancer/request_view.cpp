#include "balancer/request_view.hpp"

namespace sc {

std::string merged_cookie_header(const net::Request& req) {
  std::string merged;
  for (auto [it, end] = req.equal_range(net::http::field::cookie); it != end; ++it) {
    if (!merged.empty()) merged += ", ";
    merged += it->value();
  }
  return merged;
}

}  // namespace sc
