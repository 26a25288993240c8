#include "balancer/proxy.hpp"

#include <fmt/format.h>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <unistd.h>

#include <algorithm>
#include <array>

#include "balancer/forward_headers.hpp"
#include "balancer/manager.hpp"
#include "balancer/request_path.hpp"
#include "balancer/request_view.hpp"
#include "balancer/rewrite_rules.hpp"
#include "balancer/websocket_tunnel.hpp"
#include "net/body_stream.hpp"
#include "net/wire.hpp"
#include "util/text.hpp"

namespace sc {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {

constexpr std::size_t kMaxIdlePerMember = 64;

std::string host_name() {
  std::array<char, 256> name{};
  if (gethostname(name.data(), name.size() - 1) != 0) return "localhost";
  return name.data();
}

// Views of the configuration and of `d`, which outlive the response's header rules.
EnvVars balancer_env(const BalancerSet& set, int balancer, const Decision& d) {
  EnvVars env{{"BALANCER_NAME", set.config(balancer).name}};
  if (d.member >= 0) {
    const auto& m = set.member(balancer, d.member);
    env.emplace_back("BALANCER_WORKER_NAME", m.url);
    env.emplace_back("BALANCER_WORKER_ROUTE", m.route);
  }
  if (d.route_changed) env.emplace_back("BALANCER_ROUTE_CHANGED", "1");
  if (d.sticky.route) {
    env.emplace_back("BALANCER_SESSION_STICKY", d.sticky.source_name);
    env.emplace_back("BALANCER_SESSION_ROUTE", *d.sticky.route);
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
  for (const auto& b : site_->balancers) {
    idle_.emplace_back(b.members.size());
    auto& hosts = authorities_.emplace_back();
    for (const auto& m : b.members) hosts.push_back(member_authority(m.host, m.port));
  }
  server_name_ = site_->server_name.empty() ? host_name() : site_->server_name;
}

void Proxy::log(const std::string& line) {
  if (options_.debug_log && log_ && !line.empty())
    log_(fmt::format("[proxy_balancer:debug] {}", line));
}

std::unique_ptr<Upstream> Proxy::take_idle(int balancer, int member) {
  auto& pool = idle_[balancer][member];
  while (!pool.empty()) {
    auto up = std::move(pool.back());
    pool.pop_back();
    if (!idle_connection_usable(*up)) continue;  // closed by the member while idle
    up->reused = true;
    return up;
  }
  return nullptr;
}

asio::awaitable<std::unique_ptr<Upstream>> Proxy::connect(int balancer, int member,
                                                          boost::system::error_code& ec) {
  const auto& m = balancers_->member(balancer, member);
  auto up = std::make_unique<Upstream>(Upstream{net::TimedStream(ioc_), {}, {}, false, false});
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

asio::awaitable<std::unique_ptr<Upstream>> Proxy::connect_and_send(
    int balancer, int member, const net::Request& req, net::BodyStream* body, BodyRelay& relayed,
    std::optional<HeadParser>& parser, bool upgrade, boost::system::error_code& ec) {
  // A pooled connection without a coroutine of its own: this runs for every request.
  auto up = take_idle(balancer, member);
  if (!up) up = co_await connect(balancer, member, ec);
  if (!up) co_return nullptr;
  co_await send_and_read_head(*up, req, body, relayed, parser, options_.response_timeout, upgrade,
                              ec);
  // A pooled connection that failed at once went stale while idle, and the member's other
  // idle ones most likely with it (a restarted or killed backend): drop them, try one fresh
  // connection. Not after a timeout or a broken answer: the member may have acted on it; and
  // not once a body byte was read from the client: it cannot be sent a second time.
  if (ec && up->reused && ec != beast::error::timeout && ec != http::error::bad_status &&
      relayed.bytes == 0) {
    idle_[balancer][member].clear();
    up = co_await connect(balancer, member, ec);
    if (up)
      co_await send_and_read_head(*up, req, body, relayed, parser, options_.response_timeout, upgrade,
                              ec);
  }
  co_return up;
}

void Proxy::release(std::unique_ptr<Upstream> up, int balancer, int member) {
  auto& pool = idle_[balancer][member];
  if (!up->reusable || pool.size() >= kMaxIdlePerMember) return;
  up->stream.expires_never();  // idle in the pool until the member closes it
  pool.push_back(std::move(up));
}

// ProxyPassReverse: a Location pointing at a member is mapped back to the public path. One
// pass finds which of the fields are there: most answers carry none, and need no lookup.
void Proxy::reverse_map(net::Response& res) const {
  static constexpr std::array kMapped{http::field::location, http::field::content_location,
                                      http::field::uri};
  if (site_->reverse_routes.empty()) return;
  std::array<bool, kMapped.size()> present{};
  for (const auto& f : res)
    for (std::size_t k = 0; k < kMapped.size(); ++k)
      present[k] = present[k] || f.name() == kMapped[k];
  for (std::size_t k = 0; k < kMapped.size(); ++k) {
    if (!present[k]) continue;
    const auto field = kMapped[k];
    auto it = res.find(field);
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

struct Proxy::Forwarding {
  int balancer = -1;
  std::string rewritten;  // the path after the ProxyPass prefix, on the balancer's path
  std::string query;
  std::string url;  // what BalancerCore reads the route parameter from
  std::string cookies;
  unsigned version = 11;  // the client's
  bool head = false;
  bool upgrade = false;  // a WebSocket upgrade this route carries (upgrade=websocket, ws://)
  long long held_body = 0;          // a body held whole, or the start of a streamed one
  net::BodyStream* body = nullptr;  // the rest, streamed to the member
  long long body_bytes() const {
    return body ? static_cast<long long>(body->bytes_read()) : held_body;
  }
};

namespace {

// The framing of a streamed body towards the member: its length when the client gave one,
// else chunked (the member is HTTP/1.1). A held body gets the length of what was read.
void frame_upstream_body(net::Request& upstream_req, const net::BodyStream* body) {
  if (!body) {
    upstream_req.prepare_payload();
    return;
  }
  if (body->length()) {
    upstream_req.content_length(*body->length());
  } else {
    upstream_req.erase(http::field::content_length);
    upstream_req.set(http::field::transfer_encoding, "chunked");
  }
}

}  // namespace

namespace {

// Like mod_proxy_http's prefetch: up to kPrefetchLimit body bytes are read before a member is
// chosen, so a small body is whole in memory (a client that breaks off reaches no member, and
// a failed attempt can be retried elsewhere) and a large one starts streaming with them.
constexpr std::size_t kPrefetchLimit = 16 * 1024;

asio::awaitable<std::string> prefetch_body(net::BodyStream& body, boost::system::error_code& ec) {
  std::string start(kPrefetchLimit, '\0');
  std::size_t n = 0;
  while (!ec && !body.done() && n < start.size())
    n += co_await body.read_some(start.data() + n, start.size() - n, ec);
  start.resize(n);
  co_return start;
}

// What httpd answers a client whose body broke a limit (413), stalled (408) or was malformed.
net::Response body_refusal(boost::system::error_code ec, unsigned version) {
  if (ec == http::error::body_limit)
    return net::text_response(http::status::payload_too_large, version,
                              "Request Entity Too Large\n");
  if (ec == beast::error::timeout)
    return net::text_response(http::status::request_timeout, version, "Request Timeout\n");
  return net::text_response(http::status::bad_request, version, "Bad Request\n");
}

}  // namespace

net::Response Proxy::refuse_path(const std::string& target, const RequestPath& path,
                                 unsigned version) {
  log(fmt::format("AH10244: invalid URI path ({}): {}", target, path.reason));
  return net::text_response(static_cast<http::status>(path.refuse), version,
                            path.refuse == 400 ? "Bad Request\n" : "Not Found\n");
}

// ProxyPass: which balancer, and the request as the member will see its path; false when no
// ProxyPass maps the path (or it is excluded with "!").
bool Proxy::plan_forwarding(const net::Request& req, const std::string& decoded_path,
                            std::string query, Forwarding& f) const {
  std::string rewritten_decoded;
  if (auto target = rewritten(req, decoded_path, query)) {
    f.balancer = target->balancer;
    rewritten_decoded = std::move(target->path);
    query = std::move(target->query);
  } else {
    const auto [route, matched] = find_route(site_->routes, decoded_path);
    if (!route || route->balancer < 0) return false;
    f.balancer = route->balancer;
    rewritten_decoded = route->balancer_path + decoded_path.substr(matched);
  }
  f.rewritten = encode_path(rewritten_decoded);
  f.query = std::move(query);
  f.url = balancers_->config(f.balancer).name + rewritten_decoded + f.query;
  f.cookies = merged_cookie_header(req);
  f.version = req.version();
  if (asks_websocket_upgrade(req[http::field::upgrade], req[http::field::connection])) {
    const auto& members = balancers_->config(f.balancer).members;
    f.upgrade = std::any_of(members.begin(), members.end(),
                            [](const MemberConfig& m) { return m.websocket; });
  }
  f.head = req.method() == http::verb::head;
  f.held_body = static_cast<long long>(req.body().size());
  return true;
}

// mod_rewrite's [P] rules, which httpd applies before any ProxyPass.
std::optional<RewriteTarget> Proxy::rewritten(const net::Request& req, std::string_view path,
                                              std::string_view query) const {
  if (!site_->rewrites) return std::nullopt;
  if (query.starts_with('?')) query.remove_prefix(1);
  return apply_rewrite_rules(*site_->rewrites, path, query, [&req](std::string_view name) {
    const auto it = req.find(name);
    return it == req.end() ? std::string_view() : std::string_view(it->value());
  });
}

asio::awaitable<net::Response> Proxy::handle(net::Request& req, net::Connection& conn) {
  const unsigned version = req.version();
  const std::string target(req.target());
  const auto parts = split_target(target);
  if (!parts)
    co_return net::text_response(http::status::bad_request, version,
                                 "The request target is neither a path nor an http(s) URL\n");
  // ProxyPass and <Location> match the path as httpd normalises it, never the raw target.
  const RequestPath path = normalise_request_path(parts->path);
  if (path.refuse) co_return refuse_path(target, path, version);
  // RFC 9112 3.2.2: the authority of an absolute-form target replaces Host.
  if (!parts->authority.empty()) req.set(http::field::host, std::string(parts->authority));
  if (site_->manager && match_path_prefix(path.decoded, site_->manager->path))
    co_return balancers_->with(
        [&](auto& cores) { return serve_manager(*site_->manager, cores, req, conn); });
  Forwarding f;
  if (!plan_forwarding(req, path.decoded, std::string(parts->query), f))
    co_return net::text_response(http::status::not_found, version, "Not Found\n");

  // The client's request becomes the upstream one: no copy of its headers and body.
  net::Request upstream_req = std::move(req);
  rewrite_forwarded_request(upstream_req, ForwardContext{conn.remote_ip, server_name_});
  upstream_req.version(11);  // with Connection stripped: keep-alive, as the pool needs
  if (f.upgrade) {  // the hop-by-hop fields the upgrade needs, put back for the member
    upstream_req.set(http::field::upgrade, "websocket");
    upstream_req.set(http::field::connection, "Upgrade");
  }
  if (conn.body) {
    boost::system::error_code ec;
    upstream_req.body() = co_await prefetch_body(*conn.body, ec);
    if (ec) co_return body_refusal(ec, version);  // no member has seen any of it
    f.held_body = static_cast<long long>(upstream_req.body().size());
    if (!conn.body->done()) f.body = conn.body;  // else all of it is held: sent with its length
  }
  frame_upstream_body(upstream_req, f.body);
  co_return co_await forward(upstream_req, f, conn);
}

// The sticky value is looked up before the lock is taken: the lookup reads only the request
// and the configuration, which never changes after start-up.
Decision Proxy::choose(const Forwarding& f) {
  StickyLookup sticky = find_sticky(balancers_->config(f.balancer).sticky, f.url, f.cookies);
  const auto now = std::chrono::steady_clock::now();
  return balancers_->with(f.balancer, [&](BalancerCore& core) {
    return core.choose(std::move(sticky), now, options_.debug_log);
  });
}

asio::awaitable<net::Response> Proxy::forward(net::Request& upstream_req, const Forwarding& f,
                                              net::Connection& conn) {
  const int max_attempts = balancers_->config(f.balancer).effective_maxattempts();
  for (int attempts = 0;; ++attempts) {
    Decision d = choose(f);
    for (const auto& line : d.log) log(line);
    if (d.status != 0)
      co_return net::text_response(http::status::service_unavailable, f.version,
                                   "Service Unavailable\n");
    const auto& member = balancers_->member(f.balancer, d.member);
    std::string upstream_path = member.path + f.rewritten;
    if (upstream_path.empty() || upstream_path[0] != '/') upstream_path.insert(0, "/");
    upstream_req.target(upstream_path + f.query);
    if (!site_->preserve_host)  // httpd's default: the member's own name
      upstream_req.set(http::field::host, authorities_[f.balancer][d.member]);

    boost::system::error_code ec;
    std::optional<HeadParser> parser;
    BodyRelay relayed;
    auto up = co_await connect_and_send(f.balancer, d.member, upstream_req, f.body, relayed,
                                        parser, f.upgrade, ec);
    if (up && relayed.client_ec) co_return client_body_failed(f, d.member, relayed.client_ec);
    if (up && ec) co_return upstream_failed(f, d.member, ec);
    if (up) co_return co_await answer(std::move(up), *parser, f, d, conn);
    log(fmt::format("AH00957: http: attempt to connect to {}:{} ({}) failed", member.host,
                    member.port, member.host));
    const auto [line, usable] = balancers_->with(f.balancer, [&](BalancerCore& core) {
      auto line = core.connect_failed(d.member, std::chrono::steady_clock::now());
      core.finished(d.member, 0, 0);
      return std::pair{std::move(line), core.usable(d.member)};
    });
    log(line);
    // httpd tries again only while the member is unusable and attempts remain. What was read
    // of the body is held (prefetch_body), nothing more is read before a connection is open,
    // so the request can go elsewhere whole.
    if (usable || attempts >= max_attempts)
      co_return net::text_response(http::status::service_unavailable, f.version,
                                   "Service Unavailable\n");
  }
}

net::Response Proxy::upstream_failed(const Forwarding& f, int member_index,
                                     boost::system::error_code ec) {
  const auto& member = balancers_->member(f.balancer, member_index);
  log(fmt::format("AH01102: error reading status line from remote server {}:{}: {}", member.host,
                  member.port, ec.message()));
  balancers_->with(f.balancer,
                   [&](BalancerCore& core) { core.finished(member_index, f.body_bytes(), 0); });
  // Like mod_proxy_http: a timeout is 504, any other broken answer 502.
  if (ec == beast::error::timeout)
    return net::text_response(http::status::gateway_timeout, f.version, "Gateway Timeout\n");
  return net::text_response(http::status::bad_gateway, f.version, "Proxy Error\n");
}

// The client's body broke off or broke a limit while it went to the member: the member's
// connection is dropped (it holds part of a request), and the client gets what httpd answers.
net::Response Proxy::client_body_failed(const Forwarding& f, int member_index,
                                        boost::system::error_code ec) {
  log(fmt::format("AH01095: prefetch request body failed: {}", ec.message()));
  balancers_->with(f.balancer,
                   [&](BalancerCore& core) { core.finished(member_index, f.body_bytes(), 0); });
  return body_refusal(ec, f.version);
}

void Proxy::finish_head(net::Response& res, const Forwarding& f, const Decision& d) const {
  strip_hop_by_hop(res);
  res.version(f.version);
  reverse_map(res);
  if (!site_->headers.empty())
    apply_header_rules(site_->headers, balancer_env(*balancers_, f.balancer, d), res);
}

// The member accepted the upgrade: its 101 goes to the client (with the balancer's header
// rules, so a route cookie set at the upgrade reaches it), then the tunnel carries both ways
// until either side ends. The connection is the tunnel's: it never returns to the pool.
asio::awaitable<net::Response> Proxy::carry_upgrade(std::unique_ptr<Upstream> up,
                                                    HeadParser& parser, const Forwarding& f,
                                                    const Decision& d, net::Connection& conn) {
  net::Response head{std::move(parser.get().base())};
  finish_head(head, f, d);
  head.set(http::field::upgrade, "websocket");
  head.set(http::field::connection, "Upgrade");
  conn.answered = conn.close = true;
  boost::system::error_code ec;
  conn.stream->expires_after(conn.write_timeout);
  co_await http::async_write(*conn.stream, head, asio::redirect_error(asio::use_awaitable, ec));
  TunnelBytes moved;
  if (!ec) {
    const auto early = up->buffer.data();
    moved = co_await tunnel(*conn.stream, up->stream,
                            std::string_view(static_cast<const char*>(early.data()), early.size()),
                            TunnelLimits{16 * 1024, options_.response_timeout});
  }
  balancers_->with(f.balancer, [&](BalancerCore& core) {
    core.finished(d.member, f.body_bytes() + moved.to_member, moved.to_client);
  });
  co_return net::Response{};  // answered: the transport writes nothing
}

asio::awaitable<net::Response> Proxy::answer(std::unique_ptr<Upstream> up, HeadParser& parser,
                                             const Forwarding& f, const Decision& d,
                                             net::Connection& conn) {
  boost::system::error_code ec;
  if (f.upgrade && parser.get().result_int() == 101)
    co_return co_await carry_upgrade(std::move(up), parser, f, d, conn);
  if (holds_body(parser)) {
    const auto member_length = parser.content_length();
    auto held = held_from_buffer(*up, parser, ec);
    if (!held && !ec) held = co_await read_held(*up, parser, options_.response_timeout, ec);
    if (ec) co_return upstream_failed(f, d.member, ec);
    net::Response res = std::move(*held);
    const auto read = static_cast<long long>(res.body().size());
    balancers_->with(f.balancer,
                     [&](BalancerCore& core) { core.finished(d.member, f.body_bytes(), read); });
    release(std::move(up), f.balancer, d.member);
    finish_head(res, f, d);
    // The member's Content-Length stands when the parser read exactly that many bytes.
    if (!f.head && member_length != res.body().size()) res.prepare_payload();
    // Keep-alive, which the transport then fits to the client's choice: HTTP/1.1's default
    // once Connection is stripped, and only 1.0 needs saying so.
    if (res.version() < 11) res.keep_alive(true);
    co_return res;
  }
  net::Response head{std::move(parser.get().base())};
  finish_head(head, f, d);
  const auto relayed = co_await relay(*up, parser, head, conn, options_.response_timeout, ec);
  if (ec) {
    const auto& member = balancers_->member(f.balancer, d.member);
    log(fmt::format("AH01110: error reading response body from {}:{}: {}", member.host, member.port,
                    ec.message()));
  }
  balancers_->with(f.balancer, [&](BalancerCore& core) {
    core.finished(d.member, f.body_bytes(), static_cast<long long>(relayed));
  });
  release(std::move(up), f.balancer, d.member);
  co_return net::Response{};  // answered by relay(): the transport writes nothing
}

}  // namespace sc
