#pragma once
// The one libcurl client: every request stickycheck makes (the driver's sessions, readiness
// checks, balancer-manager calls) is set up here, so TLS, timeouts, name pinning and the
// User-Agent mean the same everywhere.
#include <curl/curl.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace sc {

// libcurl's global set-up, once per process; false when it failed.
bool curl_ready();

struct ClientOptions {
  std::chrono::milliseconds timeout{5000};  // whole request; also the connect timeout
  std::string user_agent = "stickycheck/" STICKYCHECK_VERSION;
  std::vector<std::string> headers;  // "Name: value", sent with every request
  std::string cacert;                // a CA bundle for https (empty: the system's)
  bool insecure = false;             // skip TLS certificate and host name checks
  // "HOST:PORT:ADDR" (curl --resolve): connect to ADDR for HOST:PORT, keeping the name for
  // the Host header, SNI, certificate and cookies.
  std::vector<std::string> resolve;
  // "HOST:PORT:CONNECT-TO-HOST:CONNECT-TO-PORT" (curl --connect-to).
  std::vector<std::string> connect_to;
  bool http2 = true;  // offer HTTP/2 over TLS (ALPN); plain http stays HTTP/1.1
};

// Owns a curl_slist.
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;
Slist make_slist(const std::vector<std::string>& items);

// The lists ClientOptions needs, built once and shared by every handle that uses them.
struct ClientLists {
  Slist headers, resolve, connect_to;
  explicit ClientLists(const ClientOptions& o);
};

// Applies `o` (and `lists`, built from it) to a handle: timeouts, no signals, no redirects
// (a diagnostic never follows one to another host), TLS, pinning, headers.
void configure_handle(CURL* e, const ClientOptions& o, const ClientLists& lists);

// `base_url` (scheme://host[:port][/path]) for requests to `host` instead: the URL to use,
// with its Host header, TLS name and cookie rules those of `host`, and in `o.connect_to` the
// entry that still connects where base_url points (curl --connect-to). An error when
// base_url has no scheme://host.
Result<std::string> aim_at_host(const std::string& base_url, const std::string& host,
                                ClientOptions& o);

struct HttpAnswer {
  long status = 0;
  std::string body;                      // its first MiB
  std::vector<std::string> set_cookies;  // the Set-Cookie values, the first 32 of up to 8 KiB
};

// One request on a fresh handle: `method` GET or POST (empty body). A transport failure is
// an error naming the URL and libcurl's reason; any HTTP status is an answer.
Result<HttpAnswer> http_call(const std::string& method, const std::string& url,
                             const ClientOptions& o = {});

// Whether a TCP (and, for https, TLS) connection to base_url can be made within `timeout`:
// empty when it can, else libcurl's reason. For a proxy stickycheck did not start.
std::string check_reachable(const std::string& base_url, std::chrono::milliseconds timeout,
                            const ClientOptions& o = {});

}  // namespace sc
