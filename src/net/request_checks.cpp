#include "net/request_checks.hpp"

#include <iterator>
#include <string>
#include <string_view>

#include "util/text.hpp"

namespace sc::net {

std::optional<http::status> check_transfer_encoding(const http::request_header<>& req) {
  const auto it = first_field(req, http::field::transfer_encoding);
  if (it == req.end()) return std::nullopt;
  std::string te;
  for (char c : it->value())
    if (c != ' ' && c != '\t') te.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (te == "chunked") return std::nullopt;
  bool chunked_last = std::string_view(te).ends_with(",chunked");
  return chunked_last ? http::status::not_implemented : http::status::bad_request;
}

std::optional<http::status> check_host(const http::request_header<>& req) {
  const auto hosts = count_fields(req, http::field::host);
  if (hosts > 1 || (hosts == 0 && req.version() >= 11)) return http::status::bad_request;
  return std::nullopt;
}

Expectation expectation(const http::request_header<>& req) {
  const auto it = first_field(req, http::field::expect);
  if (it == req.end()) return Expectation::kNone;
  if (count_fields(req, http::field::expect) == 1 && to_lower(trim(it->value())) == "100-continue")
    return Expectation::kContinue;
  return Expectation::kUnsupported;
}

void drop_trailer_fields(Request& req, std::size_t header_fields) {
  auto it = req.begin();
  for (std::size_t k = 0; k < header_fields && it != req.end(); ++k) ++it;
  while (it != req.end()) it = req.erase(it);
}

}  // namespace sc::net
