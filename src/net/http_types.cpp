#include "net/http_types.hpp"

namespace sc::net {

Response text_response(http::status status, unsigned version, std::string body) {
  Response res{status, version};
  res.set(http::field::content_type, "text/plain");
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

}  // namespace sc::net
