#pragma once
// One session's cookies, kept and sent as libcurl's cookie engine does (RFC 6265 §5.3 storage,
// §5.4 sending): host-only vs Domain cookies, Path, Secure, Max-Age/Expires, replacement by
// name + domain + path. Set-Cookie values are read by parse_set_cookie (cookie/set_cookie.hpp).
// Pure: no I/O; the caller passes the time.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sc {

// Where a request goes, as the jar sees it: the URL's host (not the address connected to) and
// path without the query. `secure_context` follows libcurl: https, or a host of this machine
// (localhost, 127.0.0.1, ::1), where Secure cookies are kept and sent.
struct CookieOrigin {
  std::string_view host;  // lower case
  std::string_view path;  // starts with '/'
  bool secure_context = false;
};

bool is_secure_context(std::string_view scheme, std::string_view host);

// libcurl's bounds on hostile sites (curl's cookie.h): the first 50 Set-Cookie fields of a
// response are stored, the rest ignored; a request carries at most 150 cookies and a Cookie
// header under 8190 bytes (cookies that would go past it are left out).
inline constexpr int kMaxSetCookiesPerResponse = 50;
inline constexpr std::size_t kMaxCookiesSent = 150;
inline constexpr std::size_t kMaxCookieHeaderBytes = 8190;

class CookieJar {
 public:
  using Clock = std::chrono::system_clock;

  // Stores (or replaces, or deletes) the cookie of one Set-Cookie value received from
  // `origin`; a value a browser would ignore changes nothing.
  void store(std::string_view set_cookie, const CookieOrigin& origin, Clock::time_point now);
  // A session cookie for `origin`'s host only, path "/" (a logged-in state seeded before the
  // first request); Secure when the origin is a secure context served over https.
  void seed(std::string_view name, std::string_view value, const CookieOrigin& origin, bool secure);
  // The Cookie header value for a request to `origin` ("a=1; b=2"), longest path first, within
  // libcurl's bounds above; empty when no cookie matches. Drops expired cookies on the way.
  void cookie_header(const CookieOrigin& origin, Clock::time_point now, std::string& out);
  std::size_t size() const { return cookies_.size(); }

 private:
  struct Cookie {
    std::string name, value, domain, path;
    bool host_only = true;
    bool secure = false;
    bool persistent = false;  // has an expiry (Max-Age or Expires)
    Clock::time_point expiry{};
    std::uint64_t created = 0;  // order of first creation, kept on replacement
  };
  void put(Cookie c, Clock::time_point now);
  bool matches(const Cookie& c, const CookieOrigin& origin) const;

  std::vector<Cookie> cookies_;
  std::vector<const Cookie*> chosen_;  // reused by cookie_header
  std::uint64_t next_created_ = 0;
};

}  // namespace sc
