#pragma once
// The reference balancer's transport: maps each request to a balancer (ProxyPass), forwards it
// to the member BalancerCore chooses, reusing upstream connections, and fails over as httpd's
// proxy_handler does when a member cannot be reached. The request's fields are rewritten as
// mod_proxy_http does (forward_headers.hpp); large answers are relayed, not held
// (upstream.hpp). One Proxy per worker thread: its connection pools are its own, the
// balancers' state is shared (BalancerSet).
#include <boost/asio/io_context.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <optional>

#include "balancer/balancer_set.hpp"
#include "balancer/header_rules.hpp"
#include "balancer/request_path.hpp"
#include "balancer/site_config.hpp"
#include "balancer/upstream.hpp"
#include "net/http_types.hpp"

namespace sc {

struct RewriteTarget;  // balancer/rewrite_rules.hpp

struct ProxyOptions {
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds response_timeout{30000};  // Apache's ProxyTimeout role
  bool debug_log = false;
};

class Proxy {
 public:
  using LogSink = std::function<void(const std::string&)>;
  Proxy(boost::asio::io_context& ioc, std::shared_ptr<const SiteConfig> site,
        std::shared_ptr<BalancerSet> balancers, ProxyOptions options, LogSink log);

  boost::asio::awaitable<net::Response> handle(net::Request& req, net::Connection& conn);

 private:
  struct Forwarding;  // what one request needs on every attempt
  using Pool = std::deque<std::unique_ptr<Upstream>>;
  std::unique_ptr<Upstream> take_idle(int balancer, int member);  // nullptr: none usable
  boost::asio::awaitable<std::unique_ptr<Upstream>> connect(int balancer, int member,
                                                            boost::system::error_code& ec);
  boost::asio::awaitable<std::unique_ptr<Upstream>> connect_and_send(
      int balancer, int member, const net::Request& req, net::BodyStream* body, BodyRelay& relayed,
      std::optional<HeadParser>& parser, bool upgrade, boost::system::error_code& ec);
  net::Response refuse_path(const std::string& target, const RequestPath& path, unsigned version);
  bool plan_forwarding(const net::Request& req, const std::string& decoded_path, std::string query,
                       Forwarding& f) const;
  std::optional<RewriteTarget> rewritten(const net::Request& req, std::string_view path,
                                         std::string_view query) const;
  Decision choose(const Forwarding& f);  // the balancer's decision for one attempt
  boost::asio::awaitable<net::Response> forward(net::Request& req, const Forwarding& f,
                                                net::Connection& conn);
  boost::asio::awaitable<net::Response> answer(std::unique_ptr<Upstream> up, HeadParser& parser,
                                               const Forwarding& f, const Decision& d,
                                               net::Connection& conn);
  boost::asio::awaitable<net::Response> carry_upgrade(std::unique_ptr<Upstream> up,
                                                      HeadParser& parser, const Forwarding& f,
                                                      const Decision& d, net::Connection& conn);
  net::Response upstream_failed(const Forwarding& f, int member, boost::system::error_code ec);
  net::Response client_body_failed(const Forwarding& f, int member, boost::system::error_code ec);
  void finish_head(net::Response& res, const Forwarding& f, const Decision& d) const;
  void release(std::unique_ptr<Upstream> up, int balancer, int member);
  void reverse_map(net::Response& res) const;
  void log(const std::string& line);

  boost::asio::io_context& ioc_;
  std::shared_ptr<const SiteConfig> site_;
  std::shared_ptr<BalancerSet> balancers_;
  std::vector<std::vector<Pool>> idle_;  // [balancer][member]
  std::vector<std::vector<std::string>> authorities_;  // [balancer][member]: Host for it
  std::string server_name_;                            // X-Forwarded-Server
  ProxyOptions options_;
  LogSink log_;
};

}  // namespace sc
