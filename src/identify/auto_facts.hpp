#pragma once
// The facts `--identify auto` hands to the diagnosis, besides its choice of source: what the
// cookies show about stickiness even when they cannot name a member. Pure; split from
// auto_identify.cpp to keep the decision and its commentary apart.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "identify/auto_identify.hpp"

namespace sc::identify {

// What the catalogue says about a cookie over all the values it took: `first` is set only
// when EVERY value is recognised (one value outside the catalogue: not that balancer's).
struct CatalogueVerdict {
  std::optional<BalancerCookie> first;  // recognition of the first (smallest) value
  bool all_identify = false;            // every value names a member
};
CatalogueVerdict catalogue_verdict(const CookieStats& stats, const CatalogueOptions& options);

// Rotating or opaque balancer cookies (stickiness on, member unknown), route cookies without
// a route, and, when no affinity cookie exists at all, session cookies without a route.
void add_cookie_facts(AutoIdentification& out, const std::map<std::string, CookieStats>& stats,
                      const CatalogueOptions& options);

// When no header that may name the backend varied but a cache's or CDN's did (X-Served-By,
// Via...): what those name instead, since auto never takes them as the backend's identity.
void add_cache_header_facts(AutoIdentification& out,
                            const std::vector<SessionObservation>& sessions);

// The cache-header fact without the headers the user named as the backend's identity
// (--identify header:NAME, `told`): their word stands against "never taken as the backend's
// identity". Dropped when it named no other header.
void forget_told_cache_headers(AutoIdentification& out, const std::vector<std::string>& told);

// Facts about the outcome: nothing identifies (with the options that would), a behaviour
// decision on few sessions, a source that only ever named one backend.
void add_outcome_facts(AutoIdentification& out, std::size_t sessions);

}  // namespace sc::identify
