#include "cookie/set_cookie.hpp"

#include <array>
#include <limits>

#include "util/text.hpp"

namespace sc {
namespace {

using Clock = std::chrono::system_clock;

// RFC 6265 trims only space and tab (WSP) around names, values and attributes.
std::string_view trim_wsp(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// RFC 6265bis §5.6 step 2: a name or value with these control characters is dropped.
bool has_forbidden_control(std::string_view s) {
  for (unsigned char c : s)
    if ((c <= 0x08) || (c >= 0x0A && c <= 0x1F) || c == 0x7F) return true;
  return false;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// §5.2.2: an optional '-' then digits only; anything else and the attribute is ignored.
std::optional<long long> parse_max_age(std::string_view v) {
  if (v.empty() || !(is_digit(v.front()) || v.front() == '-')) return std::nullopt;
  bool negative = v.front() == '-';
  auto digits = negative ? v.substr(1) : v;
  if (digits.empty()) return std::nullopt;
  long long out = 0;
  constexpr long long kMax = std::numeric_limits<long long>::max();
  for (char c : digits) {
    if (!is_digit(c)) return std::nullopt;
    out = out > (kMax - 9) / 10 ? kMax : out * 10 + (c - '0');  // clamp, never overflow
  }
  return negative ? -out : out;
}

SameSite parse_same_site(std::string_view v) {
  auto lower = to_lower(v);
  if (lower == "strict") return SameSite::strict;
  if (lower == "lax") return SameSite::lax;
  if (lower == "none") return SameSite::none;
  return SameSite::unrecognised;
}

void apply_attribute(SetCookie& cookie, const CookieAttribute& attr) {
  auto name = to_lower(attr.name);
  if (name == "expires") {
    if (auto t = parse_cookie_date(attr.value)) cookie.expires = t;
  } else if (name == "max-age") {
    if (auto age = parse_max_age(attr.value)) cookie.max_age = age;
  } else if (name == "domain") {
    std::string_view d = attr.value;
    if (!d.empty() && d.front() == '.') d.remove_prefix(1);
    if (!d.empty()) cookie.domain = to_lower(d);
  } else if (name == "path") {
    // §5.2.4: an empty path or one not starting with '/' means the default-path.
    if (!attr.value.empty() && attr.value.front() == '/')
      cookie.path = attr.value;
    else
      cookie.path.reset();
  } else if (name == "secure") {
    cookie.secure = true;
  } else if (name == "httponly") {
    cookie.http_only = true;
  } else if (name == "samesite") {
    cookie.same_site = parse_same_site(attr.value);
  }
}

void parse_attributes(SetCookie& cookie, std::string_view rest) {
  for (auto piece : split(rest, ';')) {
    CookieAttribute attr;
    auto eq = piece.find('=');
    attr.name = std::string(trim_wsp(piece.substr(0, eq)));
    if (eq != std::string_view::npos) {
      attr.has_value = true;
      attr.value = std::string(trim_wsp(piece.substr(eq + 1)));
    }
    if (attr.name.empty() || attr.value.size() > kMaxCookieAttributeValueBytes) continue;
    apply_attribute(cookie, attr);
    cookie.attributes.push_back(std::move(attr));
  }
}

// §5.1.1 delimiter: %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E.
bool is_date_delimiter(unsigned char c) {
  return c == 0x09 || (c >= 0x20 && c <= 0x2F) || (c >= 0x3B && c <= 0x40) ||
         (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E);
}

// Reads `min`..`max` leading digits; the token may go on only with a non-digit.
std::optional<int> leading_number(std::string_view token, std::size_t min, std::size_t max,
                                  std::size_t& used) {
  std::size_t n = 0;
  int value = 0;
  while (n < token.size() && is_digit(token[n])) {
    if (n == max) return std::nullopt;
    value = value * 10 + (token[n] - '0');
    ++n;
  }
  if (n < min) return std::nullopt;
  used = n;
  return value;
}

struct DateParts {
  std::optional<std::array<int, 3>> time;
  std::optional<int> day, month, year;
};

bool parse_time_token(std::string_view token, std::array<int, 3>& hms) {
  for (int i = 0; i < 3; ++i) {
    std::size_t used = 0;
    auto v = leading_number(token, 1, 2, used);
    if (!v) return false;
    hms[i] = *v;
    token.remove_prefix(used);
    if (i < 2) {
      if (token.empty() || token.front() != ':') return false;
      token.remove_prefix(1);
    }
  }
  return true;
}

std::optional<int> month_of(std::string_view token) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  if (token.size() < 3) return std::nullopt;
  auto prefix = to_lower(token.substr(0, 3));
  for (std::size_t i = 0; i < kMonths.size(); ++i)
    if (prefix == kMonths[i]) return static_cast<int>(i) + 1;
  return std::nullopt;
}

void classify_date_token(std::string_view token, DateParts& parts) {
  std::size_t used = 0;
  std::array<int, 3> hms{};
  if (!parts.time && parse_time_token(token, hms)) {
    parts.time = hms;
  } else if (!parts.day && leading_number(token, 1, 2, used)) {
    parts.day = leading_number(token, 1, 2, used);
  } else if (!parts.month && month_of(token)) {
    parts.month = month_of(token);
  } else if (!parts.year && leading_number(token, 2, 4, used)) {
    parts.year = leading_number(token, 2, 4, used);
  }
}

std::optional<Clock::time_point> to_time_point(const DateParts& p) {
  int year = *p.year;
  if (year >= 70 && year <= 99) year += 1900;
  if (year >= 0 && year <= 69) year += 2000;
  const auto& hms = *p.time;
  if (*p.day < 1 || *p.day > 31 || year < 1601 || hms[0] > 23 || hms[1] > 59 || hms[2] > 59)
    return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year{year},
                                  std::chrono::month{static_cast<unsigned>(*p.month)},
                                  std::chrono::day{static_cast<unsigned>(*p.day)}};
  if (!ymd.ok()) return std::nullopt;  // e.g. 31 Feb: §5.1.1 step 5 aborts
  auto secs = std::chrono::sys_days{ymd}.time_since_epoch() + std::chrono::hours{hms[0]} +
              std::chrono::minutes{hms[1]} + std::chrono::seconds{hms[2]};
  // The clock's nanosecond range ends in 2262 (and starts in 1677): clamp, as the
  // distinction between "far future" and "later far future" does not matter here.
  using std::chrono::duration_cast;
  constexpr auto kMaxSecs = duration_cast<std::chrono::seconds>(Clock::duration::max());
  constexpr auto kMinSecs = duration_cast<std::chrono::seconds>(Clock::duration::min());
  if (secs >= kMaxSecs) return Clock::time_point::max();
  if (secs <= kMinSecs) return Clock::time_point::min();
  return Clock::time_point{duration_cast<Clock::duration>(secs)};
}

}  // namespace

std::optional<Clock::time_point> parse_cookie_date(std::string_view text) {
  DateParts parts;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_date_delimiter(static_cast<unsigned char>(text[i]))) ++i;
    std::size_t start = i;
    while (i < text.size() && !is_date_delimiter(static_cast<unsigned char>(text[i]))) ++i;
    if (i > start) classify_date_token(text.substr(start, i - start), parts);
  }
  if (!parts.time || !parts.day || !parts.month || !parts.year) return std::nullopt;
  return to_time_point(parts);
}

std::string SetCookie::attribute_text(std::string_view attribute_name) const {
  for (auto it = attributes.rbegin(); it != attributes.rend(); ++it) {
    if (!iequals(it->name, attribute_name)) continue;
    return it->has_value ? it->name + "=" + it->value : it->name;
  }
  return "";
}

bool SetCookie::is_deletion(Clock::time_point now) const {
  if (value.empty()) return true;
  if (max_age) return *max_age <= 0;  // Max-Age wins over Expires (§5.3 step 3)
  return expires && *expires <= now;
}

Result<SetCookie> parse_set_cookie(std::string_view header) {
  if (header.size() > kMaxSetCookieHeaderBytes)
    return Error{"Set-Cookie header longer than 64 KiB"};
  auto semi = header.find(';');
  auto pair = header.substr(0, semi);
  auto eq = pair.find('=');
  if (eq == std::string_view::npos) return Error{"Set-Cookie without '=' in its name-value pair"};
  SetCookie cookie;
  cookie.name = std::string(trim_wsp(pair.substr(0, eq)));
  cookie.value = std::string(trim_wsp(pair.substr(eq + 1)));
  if (cookie.name.empty()) return Error{"Set-Cookie with an empty cookie name"};
  if (has_forbidden_control(cookie.name) || has_forbidden_control(cookie.value))
    return Error{"Set-Cookie name or value contains control characters"};
  if (cookie.name.size() + cookie.value.size() > kMaxCookieNameValueBytes)
    return Error{"Set-Cookie name and value longer than 4096 bytes"};
  if (semi != std::string_view::npos) parse_attributes(cookie, header.substr(semi + 1));
  return cookie;
}

bool is_ip_literal(std::string_view host) {
  if (host.find(':') != std::string_view::npos) return true;  // only IPv6 literals hold ':'
  auto parts = split(host, '.');
  if (parts.size() != 4) return false;
  for (auto p : parts) {
    long long n = 0;
    if (p.size() > 3 || !parse_int(p, n) || n < 0 || n > 255) return false;
  }
  return true;
}

bool domain_matches(std::string_view host, std::string_view domain) {
  if (!domain.empty() && domain.front() == '.') domain.remove_prefix(1);
  if (domain.empty()) return false;
  auto h = to_lower(host);
  auto d = to_lower(domain);
  if (h == d) return true;
  if (is_ip_literal(h) || h.size() <= d.size()) return false;
  return h.compare(h.size() - d.size(), d.size(), d) == 0 && h[h.size() - d.size() - 1] == '.';
}

bool path_matches(std::string_view request_path, std::string_view cookie_path) {
  if (request_path.empty()) request_path = "/";
  if (request_path == cookie_path) return true;
  if (cookie_path.empty() || request_path.substr(0, cookie_path.size()) != cookie_path)
    return false;
  return cookie_path.back() == '/' || request_path[cookie_path.size()] == '/';
}

std::string default_cookie_path(std::string_view request_path) {
  if (request_path.empty() || request_path.front() != '/') return "/";
  auto last = request_path.rfind('/');
  if (last == 0) return "/";
  return std::string(request_path.substr(0, last));
}

}  // namespace sc
