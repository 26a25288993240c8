#pragma once
// The reference balancer's transport: maps each request to a balancer (ProxyPass), forwards it
// to the member BalancerCore chooses, reusing upstream connections, and fails over as httpd's
// proxy_handler does when a member cannot be reached. One Proxy per worker thread: its
// connection pools are its own, the balancers' state is shared (BalancerSet).
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <deque>
#include <functional>
#include <memory>

#include "balancer/balancer_set.hpp"
#include "balancer/header_rules.hpp"
#include "balancer/site_config.hpp"
#include "net/http_types.hpp"

namespace sc {

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

  boost::asio::awaitable<net::Response> handle(net::Request& req, const net::ClientInfo& client);

 private:
  struct Upstream {
    boost::beast::tcp_stream stream;
    boost::beast::flat_buffer buffer;  // kept with the connection: no allocation per exchange
    std::string scratch;               // the request's start line and fields
    bool reused = false;
  };
  using Pool = std::deque<std::unique_ptr<Upstream>>;
  boost::asio::awaitable<std::unique_ptr<Upstream>> acquire(int balancer, int member,
                                                             boost::system::error_code& ec);
  boost::asio::awaitable<net::Response> exchange(Upstream& up, const net::Request& req,
                                                 boost::system::error_code& ec);
  void reverse_map(net::Response& res) const;
  void log(const std::string& line);

  boost::asio::io_context& ioc_;
  std::shared_ptr<const SiteConfig> site_;
  std::shared_ptr<BalancerSet> balancers_;
  std::vector<std::vector<Pool>> idle_;  // [balancer][member]
  ProxyOptions options_;
  LogSink log_;
};

}  // namespace sc
