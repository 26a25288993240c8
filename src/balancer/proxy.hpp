#pragma once
// The reference balancer's transport: forwards each request to the member BalancerCore
// chooses, reusing upstream connections, and fails over when a member cannot be reached.
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <deque>
#include <functional>
#include <memory>

#include "balancer/balancer_core.hpp"
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
  Proxy(boost::asio::io_context& ioc, BalancerConfig config, ProxyOptions options, LogSink log);

  boost::asio::awaitable<net::Response> handle(net::Request& req);

 private:
  struct Upstream {
    boost::beast::tcp_stream stream;
    bool reused = false;
  };
  boost::asio::awaitable<std::unique_ptr<Upstream>> acquire(int member,
                                                             boost::system::error_code& ec);
  void release(int member, std::unique_ptr<Upstream> up);
  boost::asio::awaitable<net::Response> exchange(Upstream& up, const net::Request& req,
                                                 boost::system::error_code& ec);
  void log(const std::string& line);

  boost::asio::io_context& ioc_;
  BalancerCore core_;
  ProxyOptions options_;
  LogSink log_;
  std::vector<std::deque<std::unique_ptr<Upstream>>> idle_;  // per member
};

}  // namespace sc
