#include "identify/cookie_hygiene.hpp"

#include <fmt/format.h>

#include "util/text.hpp"

namespace sc::identify {
namespace {

using Clock = std::chrono::system_clock;

// Values and attributes are quoted in sentences; keep hostile ones short.
std::string shorten(std::string_view s) {
  constexpr std::size_t kMax = 80;
  return s.size() <= kMax ? std::string(s) : std::string(s.substr(0, kMax)) + "...";
}

HygieneFinding finding(HygieneIssue issue, const SetCookie& c, std::string attribute,
                       std::string text, std::string cause) {
  return {issue, shorten(c.name), std::move(attribute), shorten(text), std::move(cause)};
}

std::optional<HygieneFinding> check_path(const SetCookie& c, std::string_view set_on_path,
                                         const ProbedUrl& url) {
  auto path = c.path ? *c.path : default_cookie_path(set_on_path);
  for (const auto& probed : url.paths) {
    if (path_matches(probed, path)) continue;
    auto written = c.attribute_text("Path");
    auto how = c.path ? fmt::format("with {}", shorten(written))
                      : fmt::format("without Path, so its path defaults to {}", shorten(path));
    return finding(HygieneIssue::path_not_covering, c, "Path",
                   written.empty() ? "(default " + path + ")" : written,
                   fmt::format("{} was set {}, which does not cover the probed path {}: the "
                               "client does not send it there.",
                               shorten(c.name), how, shorten(probed)));
  }
  return std::nullopt;
}

std::optional<HygieneFinding> check_domain(const SetCookie& c, const ProbedUrl& url) {
  if (!c.domain || domain_matches(url.host, *c.domain)) return std::nullopt;
  auto written = c.attribute_text("Domain");
  return finding(HygieneIssue::domain_mismatch, c, "Domain", written,
                 fmt::format("{} was set with {}, which does not cover the host {}: no client "
                             "stores it.",
                             shorten(c.name), shorten(written), shorten(url.host)));
}

// Browsers treat these hosts as secure contexts: they keep a Secure cookie set over http
// there, and send it back (Chrome, Firefox and Safari alike).
bool trustworthy_host(std::string_view host) {
  const std::string h = to_lower(host);
  return h == "localhost" || h.ends_with(".localhost") || h.starts_with("127.") ||
         h == "[::1]" || h == "::1";
}

std::optional<HygieneFinding> check_secure(const SetCookie& c, const ProbedUrl& url) {
  if (!c.secure || to_lower(url.scheme) != "http" || trustworthy_host(url.host))
    return std::nullopt;
  return finding(HygieneIssue::secure_on_http, c, "Secure", c.attribute_text("Secure"),
                 fmt::format("{} was set with Secure on the plain http URL of {}: clients "
                             "neither store nor send it over http.",
                             shorten(c.name), shorten(url.host)));
}

std::optional<HygieneFinding> check_same_site(const SetCookie& c) {
  if (c.same_site != SameSite::none || c.secure) return std::nullopt;
  auto written = c.attribute_text("SameSite");
  return finding(HygieneIssue::same_site_none_without_secure, c, "SameSite", written,
                 fmt::format("{} was set with {} but without Secure: browsers reject it.",
                             shorten(c.name), shorten(written)));
}

std::optional<HygieneFinding> check_expired(const SetCookie& c, Clock::time_point now) {
  if (c.max_age) {  // Max-Age wins over Expires (RFC 6265 §5.3)
    if (*c.max_age > 0) return std::nullopt;
    auto written = c.attribute_text("Max-Age");
    return finding(HygieneIssue::expired_on_first_set, c, "Max-Age", written,
                   fmt::format("{} was first set with {}: the client deletes it at once and "
                               "never sends it back.",
                               shorten(c.name), shorten(written)));
  }
  if (!c.expires || *c.expires > now) return std::nullopt;
  auto written = c.attribute_text("Expires");
  return finding(HygieneIssue::expired_on_first_set, c, "Expires", written,
                 fmt::format("{} was first set with {}, already in the past: the client "
                             "deletes it at once and never sends it back.",
                             shorten(c.name), shorten(written)));
}

}  // namespace

std::vector<HygieneFinding> check_cookie_as_set(const SetCookie& cookie,
                                                std::string_view set_on_path, const ProbedUrl& url,
                                                Clock::time_point now) {
  std::vector<HygieneFinding> out;
  for (auto f : {check_path(cookie, set_on_path, url), check_domain(cookie, url),
                 check_secure(cookie, url), check_same_site(cookie), check_expired(cookie, now)})
    if (f) out.push_back(std::move(*f));
  return out;
}

std::optional<HygieneFinding> check_reset_pattern(
    std::string_view name, const std::vector<std::optional<std::string>>& set_values) {
  if (set_values.size() < kMinResponsesForResetPattern) return std::nullopt;
  for (std::size_t i = 0; i < set_values.size(); ++i) {
    if (!set_values[i] || set_values[i]->empty()) return std::nullopt;
    if (i > 0 && *set_values[i] == *set_values[i - 1]) return std::nullopt;
  }
  auto shown = shorten(name);
  return HygieneFinding{
      HygieneIssue::reset_every_response, shown, "value", shorten(shown + "=" + *set_values.back()),
      fmt::format("{} was set with a new value on every one of the {} responses of a session: "
                  "whatever keys on its value sees a different one each time (by design only "
                  "for rotating cookies such as AWS ALB's).",
                  shown, set_values.size())};
}

}  // namespace sc::identify
