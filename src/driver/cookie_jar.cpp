#include "driver/cookie_jar.hpp"

#include <algorithm>

#include "cookie/set_cookie.hpp"
#include "util/text.hpp"

namespace sc {

bool is_secure_context(std::string_view scheme, std::string_view host) {
  return scheme == "https" || host == "localhost" || host == "127.0.0.1" || host == "::1" ||
         host == "[::1]";
}

void CookieJar::store(std::string_view set_cookie, const CookieOrigin& origin,
                      Clock::time_point now) {
  auto parsed = parse_set_cookie(set_cookie);
  if (!parsed.ok()) return;
  SetCookie& sc = *parsed;
  // libcurl refuses a Secure cookie from a page that is not a secure context.
  if (sc.secure && !origin.secure_context) return;
  Cookie c;
  c.name = std::move(sc.name);
  c.value = std::move(sc.value);
  c.secure = sc.secure;
  if (sc.domain && !sc.domain->empty()) {
    if (!domain_matches(origin.host, *sc.domain)) return;  // another site's cookie
    c.domain = std::move(*sc.domain);
    c.host_only = false;
  } else {
    c.domain.assign(origin.host);
  }
  c.path = sc.path ? std::move(*sc.path) : default_cookie_path(origin.path);
  // Max-Age wins over Expires (§5.3 step 3).
  if (sc.max_age) {
    c.persistent = true;
    const long long limit =
        std::chrono::duration_cast<std::chrono::seconds>(Clock::time_point::max() - now).count() -
        1;
    c.expiry = *sc.max_age <= 0 ? Clock::time_point::min()
                                : now + std::chrono::seconds(std::min(*sc.max_age, limit));
  } else if (sc.expires) {
    c.persistent = true;
    c.expiry = *sc.expires;
  }
  put(std::move(c), now);
}

void CookieJar::seed(std::string_view name, std::string_view value, const CookieOrigin& origin,
                     bool secure) {
  Cookie c;
  c.name.assign(name);
  c.value.assign(value);
  c.domain.assign(origin.host);
  c.path = "/";
  c.secure = secure;
  put(std::move(c), Clock::time_point::min());
}

// Replaces the cookie of the same name, domain and path (keeping its creation order); an
// expired one only deletes it.
void CookieJar::put(Cookie c, Clock::time_point now) {
  const auto same = std::find_if(cookies_.begin(), cookies_.end(), [&](const Cookie& old) {
    return old.name == c.name && iequals(old.domain, c.domain) && old.path == c.path;
  });
  const bool expired = c.persistent && c.expiry <= now;
  if (same != cookies_.end()) {
    if (expired) {
      cookies_.erase(same);
      return;
    }
    c.created = same->created;
    *same = std::move(c);
    return;
  }
  if (expired) return;
  c.created = next_created_++;
  cookies_.push_back(std::move(c));
}

bool CookieJar::matches(const Cookie& c, const CookieOrigin& origin) const {
  if (c.secure && !origin.secure_context) return false;
  if (c.host_only ? !iequals(c.domain, origin.host) : !domain_matches(origin.host, c.domain))
    return false;
  return path_matches(origin.path, c.path);
}

void CookieJar::cookie_header(const CookieOrigin& origin, Clock::time_point now, std::string& out) {
  out.clear();
  std::erase_if(cookies_, [&](const Cookie& c) { return c.persistent && c.expiry <= now; });
  chosen_.clear();
  for (const auto& c : cookies_)
    if (matches(c, origin) && chosen_.size() < kMaxCookiesSent) chosen_.push_back(&c);
  // libcurl's order: longer path, then longer domain, then longer name, then older first.
  std::sort(chosen_.begin(), chosen_.end(), [](const Cookie* a, const Cookie* b) {
    if (a->path.size() != b->path.size()) return a->path.size() > b->path.size();
    if (a->domain.size() != b->domain.size()) return a->domain.size() > b->domain.size();
    if (a->name.size() != b->name.size()) return a->name.size() > b->name.size();
    return a->created < b->created;
  });
  std::size_t length = 8;  // "Cookie: ", as libcurl counts
  for (const Cookie* c : chosen_) {
    if (length + c->name.size() + c->value.size() + 1 >= kMaxCookieHeaderBytes) break;
    length += c->name.size() + c->value.size() + (out.empty() ? 0 : 2);
    if (!out.empty()) out += "; ";
    out += c->name;
    out += '=';
    out += c->value;
  }
}

}  // namespace sc
