#include "balancer/proxy.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

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

std::string merged_cookie_header(const net::Request& req) {
  // httpd merges repeated request headers with ", " when it reads them.
  std::string merged;
  for (auto [it, end] = req.equal_range(http::field::cookie); it != end; ++it) {
    if (!merged.empty()) merged += ", ";
    merged += it->value();
  }
  return merged;
}

std::string lookup_url(std::string_view target) {
  auto q = target.find('?');
  std::string url = percent_decode(target.substr(0, q));
  if (q != std::string_view::npos) url += target.substr(q);
  return url;
}

}  // namespace

Proxy::Proxy(asio::io_context& ioc, BalancerConfig config, ProxyOptions options, LogSink log)
    : ioc_(ioc),
      core_(std::move(config)),
      options_(options),
      log_(std::move(log)),
      idle_(core_.members().size()) {}

void Proxy::log(const std::string& line) {
  if (options_.debug_log && log_) log_(fmt::format("[proxy_balancer:debug] {}", line));
}

asio::awaitable<std::unique_ptr<Proxy::Upstream>> Proxy::acquire(int member,
                                                                 boost::system::error_code& ec) {
  auto& pool = idle_[member];
  if (!pool.empty()) {
    auto up = std::move(pool.back());
    pool.pop_back();
    up->reused = true;
    co_return up;
  }
  const auto& m = core_.members()[member].config;
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

void Proxy::release(int member, std::unique_ptr<Upstream> up) {
  auto& pool = idle_[member];
  if (pool.size() < kMaxIdlePerMember) pool.push_back(std::move(up));
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

asio::awaitable<net::Response> Proxy::handle(net::Request& req) {
  const unsigned version = req.version();
  const std::string url = lookup_url(req.target());
  const std::string cookies = merged_cookie_header(req);

  net::Request upstream_req = req;
  strip_hop_by_hop(upstream_req);
  upstream_req.version(11);
  upstream_req.keep_alive(true);
  upstream_req.prepare_payload();

  const int attempts = 1 + std::max(0, core_.config().effective_maxattempts());
  for (int attempt = 0; attempt < attempts; ++attempt) {
    Decision d = core_.choose(url, cookies, std::chrono::steady_clock::now());
    for (const auto& line : d.log) log(line);
    if (d.status != 0) break;
    const auto& member = core_.members()[d.member].config;

    boost::system::error_code ec;
    auto up = co_await acquire(d.member, ec);
    if (!up) {
      log(fmt::format("AH00957: http: attempt to connect to {} ({}) failed: {}", member.url,
                      member.host, ec.message()));
      core_.mark_error(d.member, std::chrono::steady_clock::now());
      continue;  // httpd marks the worker in error and chooses again
    }
    net::Response res = co_await exchange(*up, upstream_req, ec);
    if (ec && up->reused) {
      // The pooled connection went stale while idle: one fresh connection, same member.
      up = co_await acquire(d.member, ec);
      if (up) res = co_await exchange(*up, upstream_req, ec);
    }
    if (ec || !up) {
      log(fmt::format("AH01102: error reading status line from remote server {}: {}",
                      member.url, ec.message()));
      co_return net::text_response(http::status::bad_gateway, version, "Proxy Error\n");
    }
    bool upstream_keep_alive = res.keep_alive();
    strip_hop_by_hop(res);
    res.version(version);
    if (upstream_keep_alive) release(d.member, std::move(up));
    if (req.method() != http::verb::head) res.prepare_payload();
    res.keep_alive(true);  // the transport applies the client's choice
    co_return res;
  }
  co_return net::text_response(http::status::service_unavailable, version,
                               "Service Unavailable\n");
}

}  // namespace sc
