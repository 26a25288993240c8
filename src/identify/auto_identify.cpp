#include "identify/auto_identify.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "identify/auto_facts.hpp"
#include "identify/finer_identity.hpp"
#include "identify/route_suffix.hpp"
#include "identify/session_cookies.hpp"
#include "util/text.hpp"

namespace sc::identify {
namespace {

using Sessions = std::vector<SessionObservation>;

bool covers(std::size_t part, std::size_t whole, double share) {
  return whole > 0 && static_cast<double>(part) >= share * static_cast<double>(whole);
}

// Prefer the cookie seen in most sessions; ties by name, so the choice is deterministic.
bool better_cookie(const CookieStats& a, const CookieStats& b) {
  if (a.sessions_seen != b.sessions_seen) return a.sessions_seen > b.sessions_seen;
  return a.name < b.name;
}

// The behaviour rule of auto_identify.hpp, with the thresholds named there.
bool behaves_like_route(const CookieStats& s, std::size_t sessions) {
  if (s.sessions_client_first > 0 || s.sessions_changed > 0) return false;
  if (!covers(s.sessions_seen, sessions, kMinSessionCoverage)) return false;
  std::size_t distinct = s.values.size();
  std::size_t cap = std::max(kMaxMemberValuesFloor, s.sessions_seen / kSessionsPerMember);
  if (distinct == 0 || distinct > cap) return false;
  if (distinct >= 2 && distinct == s.sessions_seen) return false;  // one per session: an id
  return distinct >= 2 || s.sessions_seen <= kFewSessions;
}

AutoIdentification catalogue_source(const CookieStats& s, const BalancerCookie& kind) {
  AutoIdentification out;
  out.kind = AutoSourceKind::catalogue_cookie;
  out.name = s.name;
  out.source = fmt::format("cookie:{} ({})", s.name, kind.value_kind);
  out.confidence = Confidence::high;
  out.reason = fmt::format(
      "{} is the affinity cookie of {}, and its value names the member "
      "({} distinct values).",
      s.name, kind.product, s.values.size());
  return out;
}

// Every catalogue cookie whose values all name members, the preferred one first.
std::vector<AutoIdentification> catalogue_sources(const std::map<std::string, CookieStats>& stats,
                                                  const CatalogueOptions& options) {
  std::vector<std::pair<const CookieStats*, BalancerCookie>> found;
  for (const auto& [name, s] : stats) {
    auto view = catalogue_verdict(s, options);
    if (view.first && view.all_identify) found.emplace_back(&s, *view.first);
  }
  std::sort(found.begin(), found.end(),
            [](const auto& a, const auto& b) { return better_cookie(*a.first, *b.first); });
  std::vector<AutoIdentification> out;
  for (const auto& [s, kind] : found) out.push_back(catalogue_source(*s, kind));
  return out;
}

AutoIdentification choose_route_suffix(const Sessions& sessions, const SessionCookieRule& rule) {
  AutoIdentification out;
  auto found = find_route_suffix(sessions, rule);
  if (!found) return out;
  out.kind = AutoSourceKind::route_suffix;
  out.name = found->cookie;
  out.separator = found->separator;
  out.source = fmt::format("cookie:{} (route after '{}')", found->cookie, found->separator);
  out.confidence = found->clear ? Confidence::high : Confidence::medium;
  out.reason = fmt::format(
      "{} carries a route after '{}' (as Apache's stickysessionsep={} reads it): the part "
      "after it took {} distinct value(s) across {} sessions and stayed the same within each "
      "session{}.",
      found->cookie, found->separator, found->separator, found->routes, found->sessions,
      found->session_cookie ? ", while the part before it differed from session to session" : "");
  return out;
}

// Every header that names the backend on enough responses, in the order of preference.
std::vector<AutoIdentification> header_sources(const Sessions& sessions) {
  auto total = exchange_count(sessions);
  std::vector<AutoIdentification> found;
  for (const auto& h : header_stats(sessions)) {
    if (!covers(h.exchanges_seen, total, kMinHeaderCoverage)) continue;
    if (h.name == "Server" && h.values.size() < 2) continue;
    auto& out = found.emplace_back();
    out.kind = AutoSourceKind::header;
    out.name = h.name;
    out.source = "header:" + h.name;
    out.confidence = Confidence::high;
    out.reason = fmt::format("{} names the backend on {} of {} responses ({} distinct).", h.name,
                             h.exchanges_seen, total, h.values.size());
  }
  return found;
}

// The JSON fields that name the backend on enough responses and take several values: they
// are compared with the chosen source, never chosen alone (a field may name anything).
std::vector<AutoIdentification> json_field_sources(const Sessions& sessions) {
  auto total = exchange_count(sessions);
  std::vector<AutoIdentification> found;
  for (const auto& f : json_field_stats(sessions)) {
    if (!covers(f.exchanges_seen, total, kMinHeaderCoverage) || f.values.size() < 2) continue;
    auto& out = found.emplace_back();
    out.kind = AutoSourceKind::json_field;
    out.name = f.name;
    out.source = "json:/" + f.name;
    out.confidence = Confidence::high;
    out.reason = fmt::format("The JSON field \"{}\" names the backend on {} of {} responses ({} distinct).",
                             f.name, f.exchanges_seen, total, f.values.size());
  }
  return found;
}

// Cookies the behaviour rule may consider: not a session id by name, not a rotating
// balancer cookie, not already a catalogue cookie that names members.
bool behaviour_candidate(const CookieStats& s, const CatalogueOptions& options) {
  if (is_session_cookie_name(s.name)) return false;
  auto view = catalogue_verdict(s, options);
  if (view.first && (view.all_identify || view.first->rotates)) return false;
  return true;
}

AutoIdentification choose_behaviour(const std::map<std::string, CookieStats>& stats,
                                    std::size_t sessions, const CatalogueOptions& options) {
  const CookieStats* best = nullptr;
  for (const auto& [name, s] : stats) {
    if (!behaviour_candidate(s, options) || !behaves_like_route(s, sessions)) continue;
    if (best == nullptr || better_cookie(s, *best)) best = &s;
  }
  AutoIdentification out;
  if (best == nullptr) return out;
  out.kind = AutoSourceKind::behaviour_cookie;
  out.name = best->name;
  out.source = fmt::format("cookie:{} (found by behaviour)", best->name);
  out.confidence = Confidence::medium;
  out.reason = fmt::format(
      "{} was set by the server, stayed constant within each session and took {} value(s) "
      "across {} sessions, as a routing cookie does.",
      best->name, best->values.size(), best->sessions_seen);
  return out;
}

std::optional<std::string> identity_of(const AutoIdentification& chosen,
                                       const ExchangeObservation& e,
                                       const CatalogueOptions& options) {
  if (chosen.kind == AutoSourceKind::header || chosen.kind == AutoSourceKind::json_field) {
    const auto& fields = chosen.kind == AutoSourceKind::header ? e.headers : e.json_fields;
    for (const auto& h : fields)  // names compared as header_stats does: any case
      if (iequals(h.name, chosen.name) && !h.value.empty()) return h.value;
    return std::nullopt;
  }
  auto value = cookie_in_exchange(e, chosen.name);
  if (value && chosen.kind == AutoSourceKind::route_suffix)
    return suffix_after(*value, chosen.separator);
  if (!value || chosen.kind != AutoSourceKind::catalogue_cookie) return value;
  auto c = recognise_balancer_cookie(chosen.name, *value, options);
  return c && c->identifies ? c->member : std::nullopt;
}

void fill_identities(AutoIdentification& out, const Sessions& sessions,
                     const CatalogueOptions& options) {
  for (const auto& session : sessions) {
    auto& row = out.identities.emplace_back();
    for (const auto& e : session)
      row.push_back(out.kind == AutoSourceKind::none ? std::nullopt : identity_of(out, e, options));
  }
}

// The sources besides the chosen one that may split its values: the headers that name the
// backend, then the other catalogue cookies, then the JSON fields, each with its identities.
std::vector<AutoIdentification> other_sources(const AutoIdentification& chosen,
                                              std::vector<AutoIdentification> headers,
                                              std::vector<AutoIdentification> catalogue,
                                              const Sessions& sessions,
                                              const CatalogueOptions& options) {
  std::vector<AutoIdentification> out;
  auto json_fields = json_field_sources(sessions);
  for (auto* group : {&headers, &catalogue, &json_fields})
    for (auto& source : *group) {
      if (source.kind == chosen.kind && source.name == chosen.name) continue;
      fill_identities(source, sessions, options);
      out.push_back(std::move(source));
    }
  return out;
}

}  // namespace

AutoIdentification auto_identify(const Sessions& sessions, const CatalogueOptions& options,
                                 const SessionCookieRule& session_rule) {
  auto stats = cookie_stats(sessions);
  auto catalogue = catalogue_sources(stats, options);
  auto headers = header_sources(sessions);
  auto out = catalogue.empty() ? AutoIdentification{} : catalogue.front();
  // A route suffix met clearly is as good as the catalogue; on little evidence a header that
  // names the backend is better.
  auto suffix = out.kind == AutoSourceKind::none ? choose_route_suffix(sessions, session_rule)
                                                 : AutoIdentification{};
  if (out.kind == AutoSourceKind::none && suffix.confidence == Confidence::high)
    out = std::move(suffix);
  if (out.kind == AutoSourceKind::none && !headers.empty()) out = headers.front();
  if (out.kind == AutoSourceKind::none) out = std::move(suffix);
  if (out.kind == AutoSourceKind::none) out = choose_behaviour(stats, sessions.size(), options);
  if (out.kind == AutoSourceKind::none)
    out.reason =
        "Nothing in the responses tells backends apart: no known balancer cookie, no header "
        "naming the backend and no cookie that behaves like a route.";
  fill_identities(out, sessions, options);
  prefer_finer_source(out, other_sources(out, std::move(headers), std::move(catalogue), sessions,
                                         options));
  add_cookie_facts(out, stats, options);
  add_cache_header_facts(out, sessions);
  add_outcome_facts(out, sessions.size());
  return out;
}

}  // namespace sc::identify
