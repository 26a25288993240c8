// Request handling as the servers do it: Beast's parser with the server's limits, the
// transport's Transfer-Encoding check, then the mock backend and the balancer's decision.
#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstdint>

#include "backend/backend_app.hpp"
#include "balancer/balancer_core.hpp"
#include "balancer/request_view.hpp"
#include "net/request_checks.hpp"
#include "util/text.hpp"

namespace http = boost::beast::http;

static sc::BalancerCore make_core() {
  sc::BalancerConfig c;
  for (const char* m : {"http://127.0.0.1:1 route=node1", "http://127.0.0.1:2 route=node2 status=+H",
                        "http://127.0.0.1:3 route=node3 redirect=node1 lbset=1"})
    c.members.push_back(*sc::parse_member(m));
  (void)sc::apply_balancer_param(c, "stickysession=JSESSIONID|jsessionid");
  (void)sc::apply_balancer_param(c, "scolonpathdelim=On");
  return sc::BalancerCore(c);
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  http::request_parser<http::string_body> parser;
  const sc::net::ServerOptions limits;
  parser.header_limit(limits.header_limit);
  parser.body_limit(limits.body_limit);
  parser.eager(true);
  boost::beast::error_code ec;
  std::size_t used = 0;
  while (used < size && !parser.is_done()) {
    std::size_t n = parser.put(boost::asio::buffer(data + used, size - used), ec);
    if (ec || n == 0) break;
    used += n;
  }
  if (ec || !parser.is_done()) return 0;
  sc::net::Request req = parser.release();
  if (sc::net::check_transfer_encoding(req)) return 0;

  sc::BackendOptions options;
  options.name = "www1";
  options.route_cookie = "BALANCEID=balancer.{route}; path=/";
  unsigned n = 0;
  sc::BackendApp app(options, [&n] { return n++; });
  app.handle(req);

  static sc::BalancerCore core = make_core();
  std::string target(req.target());
  auto q = target.find('?');
  std::string url = "balancer://fuzz" + sc::percent_decode(target.substr(0, q)) +
                    (q == std::string::npos ? "" : target.substr(q));
  auto now = std::chrono::steady_clock::now();
  auto d = core.choose(url, sc::merged_cookie_header(req), now);
  if (d.member >= 0) {
    if (size % 3 == 0) core.connect_failed(d.member, now);
    core.finished(d.member, 0, static_cast<long long>(size));
  }
  return 0;
}
