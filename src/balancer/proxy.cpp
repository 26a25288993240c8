#include "balancer/proxy.hpp"

#include <fmt/format.h>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "balancer/manager.hpp"
#include "balancer/request_path.hpp"
#include "balancer/request_view.hpp"
#include "net/wire.hpp"
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

EnvVars balancer_env(const BalancerSet& set, int balancer, const Decision& d) {
  EnvVars env{{"BALANCER_NAME", set.config(balancer).name}};
  if (d.member >= 0) {
    const auto& m = set.member(balancer, d.member);
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

// ProxyPass: the first entry whose path matches, in configuration order, and how many
// characters of the path it matched.
std::pair<const ProxyRoute*, std::size_t> find_route(const std::vector<ProxyRoute>& routes,
                                                     std::string_view path) {
  for (const auto& r : routes)
    if (auto n = match_path_prefix(path, r.prefix)) return {&r, n};
  return {nullptr, 0};
}

}  // namespace

Proxy::Proxy(asio::io_context& ioc, std::shared_ptr<const SiteConfig> site,
             std::shared_ptr<BalancerSet> balancers, ProxyOptions options, LogSink log)
    : ioc_(ioc),
      site_(std::move(site)),
      balancers_(std::move(balancers)),
      options_(options),
      log_(std::move(log)) {
  for (const auto& b : site_->balancers) idle_.emplace_back(b.members.size());
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
  const auto& m = balancers_->member(balancer, member);
  auto up = std::make_unique<Upstream>(Upstream{beast::tcp_stream(ioc_), {}, {}, false});
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
  co_await net::async_write_message(up.stream, req, up.scratch, ec);
  if (ec) co_return net::Response{};
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  if (req.method() == http::verb::head) parser.skip(true);
  co_await http::async_read(up.stream, up.buffer, parser,
                            asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return net::Response{};
  co_return parser.release();
}

// ProxyPassReverse: a Location pointing at a member is mapped back to the public path.
void Proxy::reverse_map(net::Response& res) const {
  for (auto field : {http::field::location, http::field::content_location, http::field::uri}) {
    auto it = res.find(field);
    if (it == res.end()) continue;
    std::string value(it->value());
    for (const auto& rr : site_->reverse_routes) {
      for (const auto& m : site_->balancers[rr.balancer].members) {
        std::string real = m.url + rr.balancer_path;
        if (value.rfind(real, 0) == 0) {
          res.set(field, rr.prefix + value.substr(real.size()));
          break;
        }
      }
    }
  }
}

asio::awaitable<net::Response> Proxy::handle(net::Request& req, const net::ClientInfo& client) {
  const unsigned version = req.version();
  const std::string target(req.target());
  const auto q = target.find('?');
  const std::string query = q == std::string::npos ? "" : target.substr(q);
  // ProxyPass and <Location> match the path as httpd normalises it, never the raw target.
  const RequestPath path = normalise_request_path(std::string_view(target).substr(0, q));
  if (path.refuse) {
    log(fmt::format("AH10244: invalid URI path ({}): {}", target, path.reason));
    co_return net::text_response(static_cast<http::status>(path.refuse), version,
                                 path.refuse == 400 ? "Bad Request\n" : "Not Found\n");
  }
  if (site_->manager && match_path_prefix(path.decoded, site_->manager->path))
    co_return balancers_->with(
        [&](auto& cores) { return serve_manager(*site_->manager, cores, req, client); });

  const auto [route, matched] = find_route(site_->routes, path.decoded);
  if (!route || route->balancer < 0)
    co_return net::text_response(http::status::not_found, version, "Not Found\n");
  const int balancer = route->balancer;
  const std::string rewritten_decoded = route->balancer_path + path.decoded.substr(matched);
  const std::string rewritten = encode_path(rewritten_decoded);
  const std::string url = balancers_->config(balancer).name + rewritten_decoded + query;
  const std::string cookies = merged_cookie_header(req);

  // The client's request becomes the upstream one: no copy of its headers and body.
  const bool head = req.method() == http::verb::head;
  const long long body_bytes = static_cast<long long>(req.body().size());
  net::Request upstream_req = std::move(req);
  strip_hop_by_hop(upstream_req);
  upstream_req.version(11);
  upstream_req.keep_alive(true);
  upstream_req.prepare_payload();

  const int max_attempts = balancers_->config(balancer).effective_maxattempts();
  for (int attempts = 0;; ++attempts) {
    Decision d = balancers_->with(balancer, [&](BalancerCore& core) {
      return core.choose(url, cookies, std::chrono::steady_clock::now(), options_.debug_log);
    });
    for (const auto& line : d.log) log(line);
    if (d.status != 0)
      co_return net::text_response(http::status::service_unavailable, version,
                                   "Service Unavailable\n");
    const auto& member = balancers_->member(balancer, d.member);
    std::string upstream_path = member.path + rewritten;
    if (upstream_path.empty() || upstream_path[0] != '/') upstream_path.insert(0, "/");
    upstream_req.target(upstream_path + query);

    boost::system::error_code ec;
    auto up = co_await acquire(balancer, d.member, ec);
    net::Response res;
    if (up) {
      res = co_await exchange(*up, upstream_req, ec);
      if (ec && up->reused) {
        // The pooled connection went stale while idle, and the member's other idle ones most
        // likely with it (a restarted or killed backend): drop them, try one fresh connection.
        idle_[balancer][d.member].clear();
        up = co_await acquire(balancer, d.member, ec);
        if (up) res = co_await exchange(*up, upstream_req, ec);
      }
    }
    if (!up) {
      log(fmt::format("AH00957: http: attempt to connect to {}:{} ({}) failed", member.host,
                      member.port, member.host));
      const auto [line, usable] = balancers_->with(balancer, [&](BalancerCore& core) {
        auto line = core.connect_failed(d.member, std::chrono::steady_clock::now());
        core.finished(d.member, 0, 0);
        return std::pair{std::move(line), core.usable(d.member)};
      });
      log(line);
      // httpd tries again only while the member is unusable and attempts remain.
      if (usable || attempts >= max_attempts)
        co_return net::text_response(http::status::service_unavailable, version,
                                     "Service Unavailable\n");
      continue;
    }
    if (ec) {
      log(fmt::format("AH01102: error reading status line from remote server {}:{}: {}",
                      member.host, member.port, ec.message()));
      balancers_->with(balancer, [&](BalancerCore& core) { core.finished(d.member, body_bytes, 0); });
      // Like mod_proxy_http: a timeout is 504, any other broken answer 502.
      if (ec == beast::error::timeout)
        co_return net::text_response(http::status::gateway_timeout, version, "Gateway Timeout\n");
      co_return net::text_response(http::status::bad_gateway, version, "Proxy Error\n");
    }
    const auto read = static_cast<long long>(res.body().size());
    balancers_->with(balancer,
                     [&](BalancerCore& core) { core.finished(d.member, body_bytes, read); });
    const bool upstream_keep_alive = res.keep_alive();
    strip_hop_by_hop(res);
    res.version(version);
    if (upstream_keep_alive) {
      auto& pool = idle_[balancer][d.member];
      if (pool.size() < kMaxIdlePerMember) pool.push_back(std::move(up));
    }
    reverse_map(res);
    if (!site_->headers.empty())
      apply_header_rules(site_->headers, balancer_env(*balancers_, balancer, d), res);
    if (!head) res.prepare_payload();
    res.keep_alive(true);  // the transport applies the client's choice
    co_return res;
  }
}

}  // namespace sc
