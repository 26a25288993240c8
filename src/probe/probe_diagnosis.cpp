#include "probe/probe_diagnosis.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <set>

#include "checks/checks.hpp"
#include "identify/session_cookies.hpp"
#include "util/text.hpp"

namespace sc {

namespace {

using identify::AutoFactKind;

bool has_fact(const identify::AutoIdentification* a, AutoFactKind kind) {
  if (!a) return false;
  return std::any_of(a->facts.begin(), a->facts.end(),
                     [&](const identify::AutoFact& f) { return f.kind == kind; });
}

// The mod_proxy_balancer `stickysession=PHPSESSID` story, told only when the server says it is
// Apache and no cookie carries a route.
std::string apache_route_cause(const ProbeEvidence& e) {
  std::string apache;
  for (const auto& s : e.reader.servers())
    if (to_lower(s).find("apache") != std::string::npos) apache = s;
  if (apache.empty()) return "";
  const bool no_route = has_fact(e.automatic, AutoFactKind::session_cookie_without_route) ||
                        has_fact(e.automatic, AutoFactKind::route_cookie_without_route);
  if (!no_route || (e.sticky && e.session_losses == 0)) return "";
  return fmt::format(
      "the server says \"{}\" and no cookie carries a route: with Apache mod_proxy_balancer "
      "and stickysession=PHPSESSID (or another session cookie whose values have no '.route' "
      "suffix) the balancer never finds a route and balances every request afresh, so sessions "
      "land on backends that do not hold them; {}",
      apache, route_cookie_remedy());
}

// A session cookie whose value is encrypted or signed and was re-made within a session: its
// new bytes say nothing of a new session, so they are not counted as losses; "" otherwise.
std::string sealed_session_cookie(const std::string& name,
                                  const std::vector<std::optional<std::string>>& values) {
  std::size_t changes = 0;
  const std::string* last = nullptr;
  for (const auto& v : values) {
    if (!v || v->empty()) continue;
    if (!identify::is_opaque_value(*v)) return "";
    changes += last && *last != *v;
    last = &*v;
  }
  if (changes == 0) return "";
  return fmt::format(
      "{} is encrypted or signed ({} characters, {}...) and was re-made with new bytes on later "
      "responses of a session: a framework that re-encrypts its session cookie on every answer "
      "(Laravel, Rails' cookie store) does this without starting a new session, so a new value "
      "is not counted as a lost session; name the application's own sign of a new session with "
      "--lost-when to count losses",
      name, last->size(), printable(last->substr(0, 12)));
}

// A cookie that names its backend (a balancer's route cookie, a route suffix) and sessions
// that still moved, without a failed request to explain it: the client sent a value naming
// one backend and another answered, so the balancer does not route on these values.
std::string route_not_followed_cause(const ProbeEvidence& e) {
  if (e.sticky || !e.auto_chose || !e.automatic) return "";
  // A finer source took over: its own fact says which layer does not stick.
  if (e.automatic->within) return "";
  const auto kind = e.automatic->kind;
  if (kind != identify::AutoSourceKind::catalogue_cookie &&
      kind != identify::AutoSourceKind::route_suffix)
    return "";
  for (const auto& r : e.records.records)
    if (r.status == 0 || r.status >= 500) return "";  // a failover explains moves
  std::set<std::string> routes;
  long long moved = 0;
  for (const auto& session : e.automatic->identities) {
    std::set<std::string> seen;
    for (const auto& id : session)
      if (id) seen.insert(*id), routes.insert(*id);
    moved += seen.size() > 1;
  }
  if (moved == 0) return "";
  std::string listed;
  for (const auto& r : routes) listed += (listed.empty() ? "" : ", ") + r;
  const bool apache = std::any_of(e.reader.servers().begin(), e.reader.servers().end(),
                                  [](const std::string& s) {
                                    return to_lower(s).find("apache") != std::string::npos;
                                  });
  return fmt::format(
      "{} names the backend that answered ({}), yet {} sessions were answered by another "
      "backend than the one their cookie named, with no failed request to explain it: the "
      "balancer does not route on these values{}",
      e.automatic->name, listed, moved,
      apache ? "; with mod_proxy_balancer each BalancerMember's route= must equal the route the "
               "application servers write (Tomcat's jvmRoute, the suffix after the "
               "stickysessionsep): the routes seen are " +
                   listed
             : "; check that the balancer reads this cookie and that its members' names or "
               "routes are these values");
}

// A fact of automatic recognition said as a cause. A session cookie without a route is the
// Apache stickysession story, told by apache_route_cause when the answers say Apache, never
// otherwise.
bool told_as_cause(const ProbeEvidence& e, AutoFactKind kind) {
  if (kind == AutoFactKind::session_cookie_without_route) return false;
  return is_response_fact(kind) || (e.auto_chose && kind != AutoFactKind::nothing_identifies);
}

std::vector<std::string> hygiene_causes(const ProbeEvidence& e) {
  std::vector<std::string> out;
  const auto now = std::chrono::system_clock::now();
  for (const auto& [name, seen] : e.reader.cookies())
    for (const auto& f : identify::check_cookie_as_set(seen.first, seen.set_on_path, e.url, now))
      out.push_back(f.cause);
  // A cookie re-set with a new value on every response of a session (first session that shows
  // it, one finding per cookie).
  std::map<std::string, bool> reported;
  for (const auto& session : e.reader.observations()) {
    std::map<std::string, std::vector<std::optional<std::string>>> values;
    for (std::size_t i = 0; i < session.size(); ++i)
      for (const auto& c : session[i].set_cookies) {
        auto& v = values[c.name];
        v.resize(session.size());
        v[i] = c.value;
      }
    // A session cookie re-issued on every response is the session loss itself, counted and
    // explained as such, not a cookie defect; unless its value is sealed (re-encrypted).
    for (const auto& [name, v] : values) {
      if (reported[name]) continue;
      std::optional<std::string> said;
      if (!e.reader.is_session_cookie(name)) {
        if (auto f = identify::check_reset_pattern(name, v)) said = f->cause;
      } else {
        said = sealed_session_cookie(name, v);
      }
      if (said && !said->empty()) {
        out.push_back(*said);
        reported[name] = true;
      }
    }
  }
  return out;
}

bool mentions(std::string_view text, std::initializer_list<std::string_view> words) {
  for (auto w : words)
    if (text.find(w) != std::string_view::npos) return true;
  return false;
}

// The causes in order, each said once.
std::vector<std::string> without_repeats(std::vector<std::string> causes) {
  std::vector<std::string> out;
  for (auto& c : causes)
    if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(std::move(c));
  return out;
}

}  // namespace

std::string transport_cause(const std::string& error) {
  const std::string e = to_lower(error);
  std::string what;
  if (mentions(e, {"certificate", "ssl", "tls", "handshake"}))
    what = fmt::format(
        "the TLS handshake failed ({}): the site's certificate was not accepted; if a private "
        "CA signed it, give that CA with --cacert FILE (--insecure skips the check, for a test "
        "site only)",
        error);
  else if (mentions(e, {"resolve", "name or service"}))
    what = fmt::format(
        "the host name does not resolve ({}): check the URL, or send the host's requests to an "
        "address with --resolve HOST:PORT:ADDRESS",
        error);
  else if (mentions(e, {"refused", "couldn't connect", "failed to connect"}))
    what = fmt::format(
        "nothing accepts connections there ({}): the site is down, or listens on another port",
        error);
  else if (mentions(e, {"timed out", "timeout"}))
    what = fmt::format(
        "no answer in time ({}): a firewall dropping the packets, or a site slower than the "
        "request timeout",
        error);
  else
    what = fmt::format("the site could not be reached ({})", error);
  return what + "; no answer was seen, so nothing about stickiness can be said";
}

bool is_response_fact(identify::AutoFactKind kind) {
  return kind == AutoFactKind::stickiness_on_member_unknown ||
         kind == AutoFactKind::route_cookie_without_route ||
         kind == AutoFactKind::session_cookie_without_route ||
         kind == AutoFactKind::no_affinity_cookie || kind == AutoFactKind::cache_headers_only;
}

std::string member_gone_cause(const RecordSet& set) {
  // The last answer of each backend, and the failures after it.
  std::map<std::uint32_t, std::int64_t> last_answer;
  std::int64_t end = 0;
  for (const auto& r : set.records) {
    end = std::max(end, r.start_us);
    if (r.backend != StringTable::kNone && r.status > 0 && r.status < 500)
      last_answer[r.backend] = std::max(last_answer[r.backend], r.start_us);
  }
  for (const auto& [backend, last] : last_answer) {
    if (end - last < 500'000) continue;  // answered until (nearly) the end
    long long failed = 0;
    for (const auto& r : set.records)
      failed += r.start_us > last && (r.status == 0 || r.status == 503);
    if (failed == 0) continue;
    return fmt::format(
        "from {:.1f} s on, {} requests failed (503 or no answer) and {} answered none: a member "
        "went away while sessions were still bound to it (a balancer that keeps sending a "
        "dead member's sessions to it answers 503 until their cookie changes)",
        static_cast<double>(last) / 1e6, failed, set.strings.get(backend));
  }
  return "";
}

std::vector<std::string> diagnose_probe(const ProbeEvidence& e) {
  if (!e.unreachable.empty()) return {transport_cause(e.unreachable)};
  std::vector<std::string> causes;
  if (auto why = member_gone_cause(e.records); !why.empty()) causes.push_back(why);
  // Most requests got no answer: what the few cookies show is no cause (the checks' own
  // "requests failed" cause, with the transport error, comes first).
  if (e.most_failed) return causes;
  if (auto why = apache_route_cause(e); !why.empty()) causes.push_back(why);
  if (auto why = route_not_followed_cause(e); !why.empty()) causes.push_back(why);
  if (e.automatic) {
    // A cookie without a route says what to change; the other facts say what is missing.
    auto route_fact = [](AutoFactKind k) {
      return k == AutoFactKind::session_cookie_without_route ||
             k == AutoFactKind::route_cookie_without_route;
    };
    for (bool routes_first : {true, false})
      for (const auto& f : e.automatic->facts)
        if (route_fact(f.kind) == routes_first && told_as_cause(e, f.kind))
          causes.push_back(f.text);
  }
  for (auto& why : hygiene_causes(e)) causes.push_back(std::move(why));
  return without_repeats(std::move(causes));
}

}  // namespace sc
