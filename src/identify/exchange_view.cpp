#include "identify/exchange_view.hpp"

#include "cookie/cookie_pairs.hpp"

namespace sc::identify {

ResponseView identify_view(const sc::ResponseView& exchange) {
  ResponseView v;
  v.status = exchange.status;
  for (const auto& h : exchange.headers) v.headers.push_back({h.name, h.value});
  v.set_cookies = parse_set_cookie_fields(v.headers);
  v.sent_cookies = parse_cookie_header(exchange.sent_cookies);
  v.body = exchange.body;
  return v;
}

}  // namespace sc::identify
