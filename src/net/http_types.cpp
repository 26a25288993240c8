#include "net/http_types.hpp"

namespace sc::net {

http::fields::const_iterator first_field(const http::fields& fields, http::field name) {
  auto it = fields.begin();
  while (it != fields.end() && it->name() != name) ++it;
  return it;
}

std::size_t count_fields(const http::fields& fields, http::field name) {
  std::size_t n = 0;
  for (const auto& field : fields) n += field.name() == name ? 1 : 0;
  return n;
}

bool keeps_alive(const http::fields& fields, unsigned version) {
  const auto it = first_field(fields, http::field::connection);
  if (it == fields.end()) return version >= 11;
  http::token_list tokens(it->value());
  return version < 11 ? tokens.exists("keep-alive") : !tokens.exists("close");
}

bool is_chunked(const http::fields& fields) {
  const auto it = first_field(fields, http::field::transfer_encoding);
  if (it == fields.end()) return false;
  http::token_list codings(it->value());
  std::string_view last;
  for (const auto& coding : codings) last = coding;
  return boost::beast::iequals(last, "chunked");  // no coding at all: empty, not "chunked"
}

Response text_response(http::status status, unsigned version, std::string body) {
  Response res{status, version};
  res.set(http::field::content_type, "text/plain");
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

}  // namespace sc::net
