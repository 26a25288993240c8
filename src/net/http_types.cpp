#include "net/http_types.hpp"

namespace sc::net {

bool keeps_alive(const http::fields& fields, unsigned version) {
  for (const auto& field : fields) {
    if (field.name() != http::field::connection) continue;
    http::token_list tokens(field.value());
    return version < 11 ? tokens.exists("keep-alive") : !tokens.exists("close");
  }
  return version >= 11;
}

Response text_response(http::status status, unsigned version, std::string body) {
  Response res{status, version};
  res.set(http::field::content_type, "text/plain");
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

}  // namespace sc::net
