#include "balancer/proxy.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

#include "balancer/manager.hpp"
#include "balancer/request_view.hpp"
#include "util/text.hpp"

namespace sc {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {

constexpr std::size_t kMaxIdlePerMember = 64;

void strip_hop_by_hop(http::fields& f) {
  for (auto field : {http::field::connection, http::field::keep_alive,
                     http::field::proxy_connection, http::field::te, http::field::trailer,
                     http::field::upgrade, http::field::transfer_encoding})
    f.erase(field);
}

EnvVars balancer_env(const BalancerCore& core, const Decision& d) {
  EnvVars env{{"BALANCER_NAME", core.config().name}};
  if (d.member >= 0) {
    const auto& m = core.members()[d.member].config;
    env["BALANCER_WORKER_NAME"] = m.url;
    env["BALANCER_WORKER_ROUTE"] = m.route;
  }
  if (d.route_changed) env["BALANCER_ROUTE_CHANGED"] = "1";
  if (d.sticky.route) {
    env["BALANCER_SESSION_STICKY"] = d.sticky.source_name;
    env["BALANCER_SESSION_ROUTE"] = *d.sticky.route;
  }
  return env;
}

}  // namespace

Proxy::Proxy(asio::io_context& ioc, SiteConfig site, ProxyOptions options, LogSink log)
    : ioc_(ioc), site_(std::move(site)), options_(options), log_(std::move(log)) {
  for (const auto& b : site_.balancers) {
    cores_.emplace_back(b);
    idle_.emplace_back(b.members.size());
  }
}

void Proxy::log(const std::string& line) {
  if (options_.debug_log && log_ && !line.empty())
    log_(fmt::format("[proxy_balancer:debug] {}", line));
}

asio::awaitable<std::unique_ptr<Proxy::Upstream>> Proxy::acquire(int balancer, int member,
                                                                 boost::system::error_code& ec) {
  auto& pool = idle_[balancer][member];
  if (!pool.empty()) {
    auto up = std::move(pool.back());
    pool.pop_back();
    up->reused = true;
    co_return up;
  }
  const auto& m = cores_[balancer].members()[member].config;
  auto up = std::make_unique<Upstream>(Upstream{beast::tcp_stream(ioc_)});
  boost::system::error_code addr_ec;
  tcp::endpoint ep(asio::ip::make_address(m.host, addr_ec), m.port);
  if (addr_ec) {
    ec = addr_ec;
    co_return nullptr;
  }
  up->stream.expires_after(options_.connect_timeout);
  co_await up->stream.async_connect(ep, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return nullptr;
  up->stream.socket().set_option(tcp::no_delay(true), addr_ec);
  co_return up;
}

asio::awaitable<net::Response> Proxy::exchange(Upstream& up, const net::Request& req,
                                               boost::system::error_code& ec) {
  up.stream.expires_after(options_.response_timeout);
  co_await http::async_write(up.stream, req, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return net::Response{};
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  if (req.method() == http::verb::head) parser.skip(true);
  co_await http::async_read(up.stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return net::Response{};
  co_return parser.release();
}

// ProxyPassReverse: a Location pointing at a member is mapped back to the public path.
void Proxy::reverse_map(net::Response& res) const {
  for (auto field : {http::field::location, http::field::content_location, http::field::uri}) {
    auto it = res.find(field);
    if (it == res.end()) continue;
    std::string value(it->value());
    for (const auto& rr : site_.reverse_routes) {
      for (const auto& m : site_.balancers[rr.balancer].members) {
        std::string real = m.url + rr.balancer_path;
        if (value.rfind(real, 0) == 0) {
          res.set(field, rr.prefix + value.substr(real.size()));
          break;
        }
      }
    }
  }
}

asio::awaitable<net::Response> Proxy::handle(net::Request& req) {
  const unsigned version = req.version();
  const std::string target(req.target());
  const auto q = target.find('?');
  const std::string path = target.substr(0, q);
  const std::string query = q == std::string::npos ? "" : target.substr(q);
  if (path == kManagerPath) co_return handle_manager(cores_, req);

  // ProxyPass: the first matching prefix, in configuration order.
  const ProxyRoute* route = nullptr;
  for (const auto& r : site_.routes)
    if (path.rfind(r.prefix, 0) == 0) {
      route = &r;
      break;
    }
  if (!route || route->balancer < 0)
    co_return net::text_response(http::status::not_found, version, "Not Found\n");
  auto& core = cores_[route->balancer];
  const std::string rewritten = route->balancer_path + path.substr(route->prefix.size());
  const std::string url = core.config().name + percent_decode(rewritten) + query;
  const std::string cookies = merged_cookie_header(req);

  // The client's request becomes the upstream one: no copy of its headers and body.
  const bool head = req.method() == http::verb::head;
  const long long body_bytes = static_cast<long long>(req.body().size());
  net::Request upstream_req = std::move(req);
  strip_hop_by_hop(upstream_req);
  upstream_req.version(11);
  upstream_req.keep_alive(true);
  upstream_req.prepare_payload();

  const int max_attempts = core.config().effective_maxattempts();
  for (int attempts = 0;; ++attempts) {
    Decision d = core.choose(url, cookies, std::chrono::steady_clock::now());
    for (const auto& line : d.log) log(line);
    if (d.status != 0)
      co_return net::text_response(http::status::service_unavailable, version,
                                   "Service Unavailable\n");
    const auto& member = core.members()[d.member].config;
    std::string upstream_path = member.path + rewritten;
    if (upstream_path.empty() || upstream_path[0] != '/') upstream_path.insert(0, "/");
    upstream_req.target(upstream_path + query);

    boost::system::error_code ec;
    auto up = co_await acquire(route->balancer, d.member, ec);
    if (!up) {
      log(fmt::format("AH00957: http: attempt to connect to {}:{} ({}) failed", member.host,
                      member.port, member.host));
      log(core.connect_failed(d.member, std::chrono::steady_clock::now()));
      core.finished(d.member, 0, 0);
      // httpd tries again only while the member is unusable and attempts remain.
      if (core.usable(d.member) || attempts >= max_attempts)
        co_return net::text_response(http::status::service_unavailable, version,
                                     "Service Unavailable\n");
      continue;
    }
    net::Response res = co_await exchange(*up, upstream_req, ec);
    if (ec && up->reused) {
      // The pooled connection went stale while idle: one fresh connection, same member.
      up = co_await acquire(route->balancer, d.member, ec);
      if (up) res = co_await exchange(*up, upstream_req, ec);
    }
    if (ec || !up) {
      log(fmt::format("AH01102: error reading status line from remote server {}:{}: {}",
                      member.host, member.port, ec.message()));
      core.finished(d.member, body_bytes, 0);
      // Like mod_proxy_http: a timeout is 504, any other broken answer 502.
      if (ec == beast::error::timeout)
        co_return net::text_response(http::status::gateway_timeout, version, "Gateway Timeout\n");
      co_return net::text_response(http::status::bad_gateway, version, "Proxy Error\n");
    }
    core.finished(d.member, body_bytes, static_cast<long long>(res.body().size()));
    const bool upstream_keep_alive = res.keep_alive();
    strip_hop_by_hop(res);
    res.version(version);
    if (upstream_keep_alive) {
      auto& pool = idle_[route->balancer][d.member];
      if (pool.size() < kMaxIdlePerMember) pool.push_back(std::move(up));
    }
    reverse_map(res);
    if (!site_.headers.empty()) apply_header_rules(site_.headers, balancer_env(core, d), res);
    if (!head) res.prepare_payload();
    res.keep_alive(true);  // the transport applies the client's choice
    co_return res;
  }
}

}  // namespace sc
