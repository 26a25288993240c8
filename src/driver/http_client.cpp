#include "driver/http_client.hpp"

#include <fmt/format.h>

#include "driver/loopback.hpp"
#include "util/text.hpp"

namespace sc {

bool curl_ready() {
  static const CURLcode global_init = curl_global_init(CURL_GLOBAL_DEFAULT);
  return global_init == CURLE_OK;
}

Slist make_slist(const std::vector<std::string>& items) {
  curl_slist* list = nullptr;
  for (const auto& item : items) {
    curl_slist* more = curl_slist_append(list, item.c_str());
    if (!more) break;  // out of memory: send what was built
    list = more;
  }
  return Slist(list);
}

ClientLists::ClientLists(const ClientOptions& o)
    : headers(make_slist(o.headers)),
      resolve(make_slist(o.resolve)),
      connect_to(make_slist(o.connect_to)) {}

void configure_handle(CURL* e, const ClientOptions& o, const ClientLists& lists) {
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(o.timeout.count()));
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(o.timeout.count()));
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(e, CURLOPT_USERAGENT, o.user_agent.c_str());
  curl_easy_setopt(e, CURLOPT_HTTP_VERSION,
                   o.http2 ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_1_1);
  if (lists.headers) curl_easy_setopt(e, CURLOPT_HTTPHEADER, lists.headers.get());
  if (lists.resolve) curl_easy_setopt(e, CURLOPT_RESOLVE, lists.resolve.get());
  if (lists.connect_to) {
    // connect-to aims at the proxy under test's own address: an environment proxy must not
    // take the requests elsewhere.
    curl_easy_setopt(e, CURLOPT_CONNECT_TO, lists.connect_to.get());
    curl_easy_setopt(e, CURLOPT_PROXY, "");
  }
  if (!o.cacert.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, o.cacert.c_str());
  if (o.insecure) {
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
  }
}

bool is_loopback_url(std::string_view url) {
  const std::string host = url_host(url);
  return host == "localhost" || host.starts_with("127.") || host == "::1";
}

void no_environment_proxy_for_loopback(CURL* e, std::string_view url) {
  if (is_loopback_url(url)) curl_easy_setopt(e, CURLOPT_PROXY, "");
}

Result<std::string> aim_at_host(const std::string& base_url, const std::string& host,
                                ClientOptions& o) {
  const auto scheme_end = base_url.find("://");
  if (scheme_end == std::string::npos || scheme_end == 0)
    return Error{
        fmt::format("cannot send requests for {} through '{}': no scheme://host", host, base_url)};
  const std::string scheme = base_url.substr(0, scheme_end);
  const auto authority_begin = scheme_end + 3;
  const auto authority_end = base_url.find_first_of("/?#", authority_begin);
  const std::string authority = base_url.substr(authority_begin, authority_end - authority_begin);
  const std::string rest = authority_end == std::string::npos ? "" : base_url.substr(authority_end);
  // The port follows the last ':' outside an IPv6 literal's brackets.
  const auto colon = authority.rfind(':');
  const bool has_port =
      colon != std::string::npos && authority.find(']', colon) == std::string::npos;
  const std::string address = has_port ? authority.substr(0, colon) : authority;
  const std::string port =
      has_port ? authority.substr(colon + 1) : (scheme == "https" ? "443" : "80");
  if (address.empty() || port.empty())
    return Error{fmt::format("cannot send requests for {} through '{}': no host", host, base_url)};
  o.connect_to.push_back(fmt::format("{}:{}:{}:{}", host, port, address, port));
  return fmt::format("{}://{}:{}{}", scheme, host, port, rest);
}

namespace {

using Easy = std::unique_ptr<CURL, void (*)(CURL*)>;

Easy new_easy() { return Easy(curl_ready() ? curl_easy_init() : nullptr, curl_easy_cleanup); }

constexpr std::size_t kMaxAnswerBody = 1 << 20;  // one-off calls answer small documents

size_t append_bounded(char* data, size_t size, size_t n, void* user) {
  auto* body = static_cast<std::string*>(user);
  body->append(data, std::min(size * n, kMaxAnswerBody - std::min(kMaxAnswerBody, body->size())));
  return size * n;
}

constexpr std::size_t kMaxSetCookies = 32;
constexpr std::size_t kMaxSetCookieBytes = 8192;

// Keeps the Set-Cookie values of the final answer (a 1xx's headers come first and are dropped
// with its status line).
size_t note_set_cookie(char* data, size_t size, size_t n, void* user) {
  auto* cookies = static_cast<std::vector<std::string>*>(user);
  const std::string_view line(data, size * n);
  if (line.starts_with("HTTP/")) cookies->clear();
  constexpr std::string_view kName = "set-cookie:";
  if (line.size() > kName.size() && cookies->size() < kMaxSetCookies &&
      to_lower(line.substr(0, kName.size())) == kName) {
    std::string_view value = trim(line.substr(kName.size()));
    if (value.size() <= kMaxSetCookieBytes) cookies->emplace_back(value);
  }
  return size * n;
}

}  // namespace

Result<HttpAnswer> http_call(const std::string& method, const std::string& url,
                             const ClientOptions& o) {
  Easy e = new_easy();
  if (!e) return Error{"libcurl could not be initialised"};
  ClientLists lists(o);
  configure_handle(e.get(), o, lists);
  HttpAnswer answer;
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(e.get(), CURLOPT_URL, url.c_str());
  no_environment_proxy_for_loopback(e.get(), url);
  curl_easy_setopt(e.get(), CURLOPT_ERRORBUFFER, error);
  if (method == "POST") {
    curl_easy_setopt(e.get(), CURLOPT_POST, 1L);
    curl_easy_setopt(e.get(), CURLOPT_POSTFIELDS, "");
  }
  curl_easy_setopt(e.get(), CURLOPT_WRITEFUNCTION, append_bounded);
  curl_easy_setopt(e.get(), CURLOPT_WRITEDATA, &answer.body);
  curl_easy_setopt(e.get(), CURLOPT_HEADERFUNCTION, note_set_cookie);
  curl_easy_setopt(e.get(), CURLOPT_HEADERDATA, &answer.set_cookies);
  const CURLcode rc = curl_easy_perform(e.get());
  if (rc != CURLE_OK)
    return Error{fmt::format("{} {}: {}", method, url, error[0] ? error : curl_easy_strerror(rc))};
  curl_easy_getinfo(e.get(), CURLINFO_RESPONSE_CODE, &answer.status);
  return answer;
}

std::string check_reachable(const std::string& base_url, std::chrono::milliseconds timeout,
                            const ClientOptions& options) {
  Easy e = new_easy();
  if (!e) return "libcurl could not be initialised";
  ClientOptions o = options;
  o.timeout = timeout;
  ClientLists lists(o);
  configure_handle(e.get(), o, lists);
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(e.get(), CURLOPT_URL, base_url.c_str());
  no_environment_proxy_for_loopback(e.get(), base_url);
  curl_easy_setopt(e.get(), CURLOPT_CONNECT_ONLY, 1L);
  curl_easy_setopt(e.get(), CURLOPT_ERRORBUFFER, error);
  const CURLcode rc = curl_easy_perform(e.get());
  if (rc == CURLE_OK) return "";
  return error[0] ? error : curl_easy_strerror(rc);
}

}  // namespace sc
