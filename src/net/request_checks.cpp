#include "net/request_checks.hpp"

#include <string>
#include <string_view>

namespace sc::net {

std::optional<http::status> check_transfer_encoding(const Request& req) {
  auto it = req.find(http::field::transfer_encoding);
  if (it == req.end()) return std::nullopt;
  std::string te;
  for (char c : it->value())
    if (c != ' ' && c != '\t') te.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (te == "chunked") return std::nullopt;
  bool chunked_last = std::string_view(te).ends_with(",chunked");
  return chunked_last ? http::status::not_implemented : http::status::bad_request;
}

}  // namespace sc::net
