#include "identify/auto_facts.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>

#include "identify/session_cookies.hpp"
#include "util/text.hpp"

namespace sc::identify {
namespace {

void add(AutoIdentification& out, AutoFactKind kind, std::string subject, std::string text) {
  out.facts.push_back({kind, std::move(subject), std::move(text)});
}

bool carries_route(const CookieStats& s) {
  for (const auto& v : s.values)
    if (v.find('.') != std::string::npos) return true;
  return false;
}

// Returns whether the cookie is an affinity cookie of the catalogue.
bool add_catalogue_fact(AutoIdentification& out, const CookieStats& s,
                        const CatalogueOptions& options) {
  auto c = catalogue_verdict(s, options).first;
  if (!c) return false;
  // A route after another separator than the catalogue's was found: it does carry one.
  if (c->identifies || (out.kind == AutoSourceKind::route_suffix && out.name == s.name))
    return true;
  if (c->balancer == Balancer::apache)
    add(out, AutoFactKind::route_cookie_without_route, s.name,
        fmt::format("{} is an Apache route cookie but {}: mod_proxy_balancer never finds a "
                    "member from it.",
                    s.name, c->note));
  else
    add(out, AutoFactKind::stickiness_on_member_unknown, s.name,
        fmt::format("{} ({}) shows that stickiness is on, but {}: it cannot say which member "
                    "answered.",
                    s.name, c->product, c->note));
  return true;
}

// "X-Served-By names the cache node ...: ... never taken as the backend's identity", for the
// cache headers `names` that varied; none added when there are none.
void add_cache_header_fact(AutoIdentification& out, const std::vector<std::string>& names) {
  if (names.empty()) return;
  std::vector<std::string> whats;
  for (const auto& name : names)
    for (const auto& h : cache_headers())
      if (h.name == name) whats.push_back(fmt::format("{} {}", name, h.what));
  add(out, AutoFactKind::cache_headers_only, fmt::format("{}", fmt::join(names, ", ")),
      fmt::format("{}: a cache's or CDN's headers are never taken as the backend's identity.",
                  fmt::join(whats, "; ")));
}

}  // namespace

CatalogueVerdict catalogue_verdict(const CookieStats& stats, const CatalogueOptions& options) {
  CatalogueVerdict v;
  v.all_identify = !stats.values.empty();
  for (const auto& value : stats.values) {
    auto c = recognise_balancer_cookie(stats.name, value, options);
    if (!c) return {};
    if (!v.first) v.first = c;
    v.all_identify = v.all_identify && c->identifies;
  }
  return v;
}

void add_cookie_facts(AutoIdentification& out, const std::map<std::string, CookieStats>& stats,
                      const CatalogueOptions& options) {
  bool affinity_cookie =
      out.kind == AutoSourceKind::behaviour_cookie || out.kind == AutoSourceKind::route_suffix;
  for (const auto& [name, s] : stats) affinity_cookie |= add_catalogue_fact(out, s, options);
  if (affinity_cookie) return;
  add(out, AutoFactKind::no_affinity_cookie, "",
      "No cookie set by the server looks like a balancer's own affinity cookie: stickiness, if "
      "any, keys on something else (the client's address, or the application's session cookie "
      "in a stick-table or a hash).");
  for (const auto& [name, s] : stats) {
    if (!is_session_cookie_name(name) || s.values.empty() || carries_route(s)) continue;
    add(out, AutoFactKind::session_cookie_without_route, name,
        fmt::format("{} carries no route: a balancer that uses it as its sticky cookie (Apache "
                    "stickysession={}) never finds a member from it.",
                    name, name));
  }
}

void add_cache_header_facts(AutoIdentification& out,
                            const std::vector<SessionObservation>& sessions) {
  if (out.kind == AutoSourceKind::header) return;
  for (const auto& h : header_stats(sessions))
    if (h.values.size() >= 2) return;  // a header that may name the backend varied
  std::vector<std::string> names;
  const auto stats = header_stats(sessions, cache_header_names());
  for (std::size_t i = 0; i < stats.size(); ++i)
    if (stats[i].values.size() >= 2) names.push_back(stats[i].name);
  add_cache_header_fact(out, names);
}

void forget_told_cache_headers(AutoIdentification& out, const std::vector<std::string>& told) {
  for (auto it = out.facts.begin(); it != out.facts.end(); ++it) {
    if (it->kind != AutoFactKind::cache_headers_only) continue;
    std::vector<std::string> kept;
    for (auto name : split(it->subject, ','))
      if (std::none_of(told.begin(), told.end(),
                       [&](const std::string& t) { return iequals(t, trim(name)); }))
        kept.emplace_back(trim(name));
    AutoIdentification remade;  // the fact in its place, or none
    add_cache_header_fact(remade, kept);
    if (remade.facts.empty())
      out.facts.erase(it);
    else
      *it = std::move(remade.facts.front());
    return;
  }
}

void add_outcome_facts(AutoIdentification& out, std::size_t sessions) {
  if (out.kind == AutoSourceKind::none) {
    add(out, AutoFactKind::nothing_identifies, "",
        "Affinity cannot be judged, so it is not reported as passing: name what identifies a "
        "backend with --identify header:NAME, cookie:NAME, cookie:NAME:SEP, json:/POINTER or "
        "regex:PATTERN.");
    return;
  }
  const bool by_behaviour =
      out.kind == AutoSourceKind::behaviour_cookie || out.kind == AutoSourceKind::route_suffix;
  if (by_behaviour && sessions <= kFewSessions)
    add(out, AutoFactKind::few_sessions, out.name,
        fmt::format("Only {} sessions: too few to tell a routing cookie from a session id with "
                    "certainty; run more sessions or name the source with --identify.",
                    sessions));
  std::set<std::string> seen;
  for (const auto& row : out.identities)
    for (const auto& id : row)
      if (id) seen.insert(*id);
  if (seen.size() == 1 && sessions > 1)
    add(out, AutoFactKind::single_identity, out.name,
        fmt::format("Every identified response named the same backend ({}) across {} sessions: "
                    "one member served everything, or {} does not tell members apart.",
                    *seen.begin(), sessions, out.source));
}

}  // namespace sc::identify
