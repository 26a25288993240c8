#pragma once
// When two sources name backends and disagree, the finer one wins. A balancer's cookie
// (HAProxy `SERVERID=svc1`) may name a member that is itself a pool (a Kubernetes Service
// round-robining over pods): the cookie stays the same while the pod that answers, named by a
// header (`X-Backend: pod1a`), changes, and the session is lost all the same. Affinity is
// then judged on the finer source, and the report names both. Pure and deterministic.
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "identify/auto_identify.hpp"

namespace sc::identify {

// identities[s][e]: what a source named for exchange e of session s, nullopt when nothing.
using Identities = std::vector<std::vector<std::optional<std::string>>>;

// How a finer source splits the chosen one's values.
struct FinerSplit {
  std::size_t split_sessions = 0;  // sessions on one chosen value, over several finer values
  std::set<std::string> kept_on;   // the chosen values those sessions stayed on
  std::map<std::string, std::set<std::string>> members;  // chosen value -> finer values seen
};

// `finer` splits `chosen` when, over the exchanges where both name a value, it takes several
// values within a session where `chosen` takes one, and each of its values meets only one of
// `chosen`'s (it refines it: a service of one pod next to one of two is still refined).
// nullopt for a coarser or crossing source (a value met with several of `chosen`'s), one that
// maps 1:1, or one that varies only from session to session.
std::optional<FinerSplit> finer_split(const Identities& chosen, const Identities& finer);

// Among `others` (their identities filled), the source that splits the most sessions of
// `out`'s takes over: its values become the identities, `out.source` names both ("header:
// X-Backend within cookie:SERVERID (HAProxy server cookie)"), `out.within` keeps the first
// choice, and a finer_source fact says what happened. Unchanged when none splits it.
void prefer_finer_source(AutoIdentification& out, std::vector<AutoIdentification> others);

}  // namespace sc::identify
