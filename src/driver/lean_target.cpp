#include "driver/lean_target.hpp"

#include <fmt/format.h>

#include <boost/asio/io_context.hpp>
#include <cstdlib>

#include "driver/cookie_jar.hpp"
#include "driver/loopback.hpp"
#include "util/text.hpp"

namespace sc::detail {

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

// A proxy libcurl would take from the environment for an http:// URL.
bool environment_names_a_proxy() {
  for (const char* name : {"http_proxy", "all_proxy", "ALL_PROXY"})
    if (const char* v = std::getenv(name); v && *v) return true;
  return false;
}

struct Authority {
  std::string host, port, rest;
};

Result<Authority> split_url(const std::string& url) {
  constexpr std::string_view kScheme = "http://";
  const std::string_view u(url);
  const auto end = u.find_first_of("/?#", kScheme.size());
  std::string_view authority = u.substr(kScheme.size(), end - kScheme.size());
  Authority a;
  a.rest = end == std::string_view::npos ? "" : std::string(u.substr(end));
  const auto colon = authority.rfind(':');
  const bool has_port =
      colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos;
  a.host = url_host(url);
  a.port = has_port ? std::string(authority.substr(colon + 1)) : "80";
  if (a.host.empty() || a.port.empty() || authority.find('@') != std::string_view::npos)
    return Error{fmt::format("'{}': no host to send requests to", url)};
  return a;
}

// traffic.host's "HOST:PORT:CONNECT-HOST:CONNECT-PORT" for this host and port, if any.
void apply_connect_to(const std::vector<std::string>& entries, Authority& where) {
  for (const auto& entry : entries) {
    const auto parts = split(entry, ':');
    if (parts.size() != 4) continue;
    if ((!parts[0].empty() && to_lower(parts[0]) != to_lower(where.host)) ||
        (!parts[1].empty() && parts[1] != where.port))
      continue;
    where.host = std::string(parts[2]);
    where.port = std::string(parts[3]);
    return;
  }
}

}  // namespace

bool lean_client_fits(const DriverConfig& c) {
  if (c.client_engine == ClientEngine::libcurl || !c.base_url.starts_with("http://")) return false;
  if (!c.client.headers.empty() || !c.client.resolve.empty()) return false;
  // A target on this machine or reached through connect-to goes around any environment proxy.
  return c.client.connect_to.empty() && !is_loopback_url(c.base_url) ? !environment_names_a_proxy()
                                                                     : true;
}

Result<LeanTarget> lean_target(const DriverConfig& config) {
  auto url = split_url(config.base_url);
  if (!url.ok()) return url.error();
  LeanTarget t;
  t.host = to_lower(url->host);
  const bool ipv6 = t.host.find(':') != std::string::npos;
  t.host_header = ipv6 ? "[" + t.host + "]" : t.host;
  if (url->port != "80") t.host_header += ":" + url->port;
  t.path_prefix = url->rest;
  t.secure_context = is_secure_context("http", t.host);
  Authority connect = *url;
  apply_connect_to(config.client.connect_to, connect);
  asio::io_context ioc;
  tcp::resolver resolver(ioc);
  boost::system::error_code ec;
  const auto found = resolver.resolve(connect.host, connect.port, ec);
  if (ec) t.unresolved = fmt::format("Could not resolve host: {}", connect.host);
  for (const auto& entry : found) t.endpoints.push_back(entry.endpoint());
  return t;
}

}  // namespace sc::detail
