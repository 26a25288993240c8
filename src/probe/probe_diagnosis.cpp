#include "probe/probe_diagnosis.hpp"

#include <limits>

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

// Whether automatic recognition found `cookie` to be a balancer's route cookie without a route.
bool route_cookie_without_route(const identify::AutoIdentification* a, const std::string& cookie) {
  return a && std::any_of(a->facts.begin(), a->facts.end(), [&](const identify::AutoFact& f) {
           return f.kind == AutoFactKind::route_cookie_without_route && f.subject == cookie;
         });
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
  // Failures beyond a stray one (a failover) can explain the moves.
  long long failed = 0;
  for (const auto& r : e.records.records) failed += r.status == 0 || r.status >= 500;
  if (failed * 100 > static_cast<long long>(e.records.records.size())) return "";
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
      apache ? "; with mod_proxy_balancer, stickysession must name this cookie (stickysession=" +
                   e.automatic->name +
                   ") and each BalancerMember's route= must equal the route the cookie carries "
                   "(Tomcat's jvmRoute, the suffix after the stickysessionsep): the routes seen "
                   "are " +
                   listed
             : "; check that the balancer reads this cookie and that its members' names or "
               "routes are these values");
}

// The application's session cookies the probe saw set ("PHPSESSID", "PHPSESSID or
// JSESSIONID").
std::string session_cookie_names(const ProbeEvidence& e) {
  std::string out;
  for (const auto& [name, seen] : e.reader.cookies())
    if (e.reader.is_session_cookie(name)) out += (out.empty() ? "" : " or ") + name;
  return out.empty() ? "session cookie" : out;
}

// Losses beyond those allowed, said as what they are, whether or not anything told the
// backends apart: without it a losses FAIL beside a candidate cookie (which silences the
// "no affinity cookie" fact) had no cause at all.
std::string losses_cause(const ProbeEvidence& e) {
  if (e.session_losses <= e.losses_allowed || e.socketio) return "";
  return losses_said(e.session_losses, losses_seen_as(e));
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
      // The cookie that names the backends changes when the backend does: that switch is
      // judged and explained as such (route_not_followed_cause), not as a cookie defect; nor is
      // a route cookie without a route, which a balancer that never finds its route re-sets
      // whenever it picks another member (its own fact says so).
      if (reported[name] || (e.auto_chose && e.automatic && name == e.automatic->name) ||
          route_cookie_without_route(e.automatic, name))
        continue;
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

constexpr const char* kNoAnswerSeen = "no answer was seen, so nothing about stickiness can be said";

// What a transport error says went wrong, and what to try. `connected`: the site accepted
// connections when the probe began, so a timeout or a closed connection is the server's.
std::string transport_what(const std::string& error, bool connected) {
  const std::string e = to_lower(error);
  if (mentions(e, {"certificate", "ssl", "tls", "handshake"}))
    return fmt::format(
        "the TLS handshake failed ({}): the site's certificate was not accepted; if a private "
        "CA signed it, give that CA with --cacert FILE (--insecure skips the check, for a test "
        "site only)",
        error);
  if (mentions(e, {"resolve", "name or service"}))
    return fmt::format(
        "the host name does not resolve ({}): check the URL, or send the host's requests to an "
        "address with --resolve HOST:PORT:ADDRESS",
        error);
  if (mentions(e, {"refused", "couldn't connect", "failed to connect"}))
    return connected ? fmt::format("the site stopped accepting connections ({}): it went down "
                                   "during the probe, or stopped listening on this port",
                                   error)
                     : fmt::format("nothing accepts connections there ({}): the site is down, "
                                   "or listens on another port",
                                   error);
  if (mentions(e, {"timed out", "timeout"}))
    return connected && !mentions(e, {"connect"})
               ? fmt::format("the connections were accepted but no answer came in time ({}): "
                             "the server, or a proxy in front of it, hangs or is overloaded, or "
                             "answers more slowly than the request timeout",
                             error)
               : fmt::format("no answer in time ({}): a firewall dropping the packets, or a "
                             "site slower than the request timeout",
                             error);
  if (connected && mentions(e, {"empty reply", "recv failure", "reset", "closed", "weird"}))
    return fmt::format("the connections were closed without an answer ({}): the server, or a "
                       "proxy in front of it, crashed, restarted or dropped the requests",
                       error);
  return connected ? fmt::format("the requests failed ({})", error)
                   : fmt::format("the site could not be reached ({})", error);
}

}  // namespace

std::string transport_cause(const std::string& error) {
  return transport_what(error, false) + "; " + kNoAnswerSeen;
}

std::string transport_stop_cause(const RecordSet& set, int limit) {
  // The failures that ended the records, the last one's words first.
  long long in_a_row = 0;
  std::uint32_t last = StringTable::kNone;
  for (auto it = set.records.rbegin(); it != set.records.rend() && it->status == 0; ++it) {
    ++in_a_row;
    if (last == StringTable::kNone) last = it->error;
  }
  if (limit <= 0 || in_a_row < limit || last == StringTable::kNone) return "";
  long long answered = 0;
  for (const auto& r : set.records) answered += r.status > 0;
  const std::string& error = set.strings.get(last);
  return transport_what(error, true) + "; " +
         (answered == 0 ? std::string(kNoAnswerSeen)
                        : fmt::format("{} answers came before {} requests in a row failed and the "
                                      "probe stopped, so they show only the start of the probe",
                                      answered, in_a_row));
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
  // The member gone is the one the failures name (the cookie a client sent names its member
  // on a 503 too), else the one gone longest: once the dead member's sessions, slowed by their
  // failures, are all that is left, the live member's answers stop before the end as well.
  struct Gone {
    std::uint32_t backend;
    std::int64_t last;
    long long failed, own;
  };
  std::optional<Gone> gone;
  for (const auto& [backend, last] : last_answer) {
    if (end - last < 500'000) continue;  // answered until (nearly) the end
    Gone g{backend, last, 0, 0};
    for (const auto& r : set.records)
      if (r.start_us > last && (r.status == 0 || r.status == 503)) {
        ++g.failed;
        g.own += r.backend == backend;
      }
    if (g.failed > 0 && (!gone || g.own > gone->own || (g.own == gone->own && last < gone->last)))
      gone = g;
  }
  if (!gone) return "";
  return fmt::format(
      "from {:.1f} s on, {} requests failed (503 or no answer) and {} answered none: a member "
      "went away while sessions were still bound to it (a balancer that keeps sending a "
      "dead member's sessions to it answers 503 until their cookie changes)",
      static_cast<double>(gone->last) / 1e6, gone->failed, set.strings.get(gone->backend));
}

namespace {

// A stretch in which a backend that answered before and after answered nothing.
struct Outage {
  std::uint32_t backend = StringTable::kNone;
  std::int64_t from_us = 0, to_us = 0;
  long long moved = 0, failed = 0;
};

// The answers' times per backend, in order.
std::map<std::uint32_t, std::vector<std::int64_t>> answer_times(const std::vector<RequestRecord>& rs) {
  std::map<std::uint32_t, std::vector<std::int64_t>> out;
  for (const auto& r : rs)
    if (r.backend != StringTable::kNone && r.status > 0 && r.status < 500)
      out[r.backend].push_back(r.start_us);
  return out;
}

// Gaps in a backend's answers ten times its usual spacing (and at least a second long).
std::vector<Outage> gaps_of(std::uint32_t backend, std::vector<std::int64_t> times) {
  std::vector<Outage> out;
  if (times.size() < 3) return out;
  std::sort(times.begin(), times.end());
  std::vector<std::int64_t> steps;
  for (std::size_t i = 1; i < times.size(); ++i) steps.push_back(times[i] - times[i - 1]);
  auto mid = steps.begin() + static_cast<long>(steps.size() / 2);
  std::nth_element(steps.begin(), mid, steps.end());
  const std::int64_t least = std::max<std::int64_t>(1'000'000, *mid * 10);
  for (std::size_t i = 1; i < times.size(); ++i)
    if (times[i] - times[i - 1] >= least) out.push_back({backend, times[i - 1], times[i], 0, 0});
  return out;
}

// What happened in the outage: sessions last answered by its backend that another answered,
// and requests that failed.
void count_in(Outage& o, std::vector<RequestRecord> rs) {
  std::sort(rs.begin(), rs.end(),
            [](const RequestRecord& a, const RequestRecord& b) { return a.start_us < b.start_us; });
  std::map<std::uint32_t, std::uint32_t> last;  // session -> backend that last answered it
  for (const auto& r : rs) {
    const bool inside = r.start_us > o.from_us && r.start_us < o.to_us;
    if (inside && (r.status == 0 || r.status >= 500)) ++o.failed;
    if (r.backend == StringTable::kNone || r.status <= 0 || r.status >= 500) continue;
    auto it = last.find(r.session);
    if (inside && it != last.end() && it->second == o.backend && r.backend != o.backend) ++o.moved;
    last[r.session] = r.backend;
  }
}

}  // namespace

std::string member_flapped_cause(const RecordSet& set) {
  std::vector<Outage> seen;
  for (auto& [backend, times] : answer_times(set.records))
    for (auto& o : gaps_of(backend, std::move(times))) {
      count_in(o, set.records);
      if (o.moved + o.failed > 0) seen.push_back(o);
    }
  if (seen.empty()) return "";
  std::string windows;
  long long moved = 0, failed = 0;
  for (std::size_t i = 0; i < seen.size(); ++i) {
    moved += seen[i].moved;
    failed += seen[i].failed;
    if (i < 3)
      windows += fmt::format("{}{} from {:.1f} s to {:.1f} s", windows.empty() ? "" : ", ",
                             set.strings.get(seen[i].backend),
                             static_cast<double>(seen[i].from_us) / 1e6,
                             static_cast<double>(seen[i].to_us) / 1e6);
  }
  return fmt::format(
      "a member stopped answering and came back ({}{}): meanwhile {} requests failed and {} "
      "sessions bound to it were answered by another backend; a member that goes down and up "
      "(failing health checks, restarts) takes its sessions with it, and a balancer that "
      "redispatches them sends them where they are unknown",
      windows, seen.size() > 3 ? fmt::format(" and {} more", seen.size() - 3) : "", failed,
      moved);
}

std::string losses_seen_as(const ProbeEvidence& e) {
  return e.lost_when.empty()
             ? fmt::format("the server set a new {} on requests that sent one",
                           session_cookie_names(e))
             : fmt::format("their answers showed the application's sign of a new session ({})",
                           e.lost_when);
}

std::string losses_said(long long losses, const std::string& seen_as) {
  return fmt::format(
      "{} requests found their session gone: {}, so they reached a backend that did not know "
      "the session; the balancer does not keep each session on the backend that holds it (or "
      "the backends do not share their sessions)",
      losses, seen_as);
}

long long probe_losses_allowed(const ExpectSpec& expect) {
  // As check_losses judges them: unchecked (no limit) for a negative control not told one.
  return expect.max_session_losses >= 0 ? expect.max_session_losses
         : expect.affinity              ? 0
                                        : std::numeric_limits<long long>::max();
}

std::vector<std::string> diagnose_probe(const ProbeEvidence& e) {
  return diagnose_probe_in_full(e).causes;
}

ProbeDiagnosis diagnose_probe_in_full(const ProbeEvidence& e) {
  ProbeDiagnosis d;
  if (!e.unreachable.empty()) {
    d.causes = {transport_cause(e.unreachable)};
    return d;
  }
  auto& causes = d.causes;
  const bool finer_source = e.auto_chose && e.automatic && e.automatic->within;
  // The site itself stopped answering: not a member's story (a balancer answers 503 for a
  // member that went away).
  if (auto why = transport_stop_cause(e.records, e.max_consecutive_errors); !why.empty())
    causes.push_back(why);
  else if (auto gone = member_gone_cause(e.records); !gone.empty()) causes.push_back(gone);
  else if (auto flapped = member_flapped_cause(e.records); !flapped.empty())
    causes.push_back(flapped);
  // Most requests got no answer: what the few cookies show is no cause (the checks' own
  // "requests failed" cause, with the transport error, comes first).
  if (e.most_failed) {
    d.losses_explained = !causes.empty() || finer_source;
    return d;
  }
  if (auto why = apache_route_cause(e); !why.empty()) causes.push_back(why);
  if (auto why = route_not_followed_cause(e); !why.empty()) causes.push_back(why);
  // A cause above (a member gone, the Apache story, a route not followed) or a finer source's
  // fact says more about the losses than they say of themselves.
  d.losses_explained = !causes.empty() || finer_source;
  if (!d.losses_explained) {
    d.losses_cause = losses_cause(e);
    if (!d.losses_cause.empty()) causes.push_back(d.losses_cause);
  }
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
  causes = without_repeats(std::move(causes));
  return d;
}

}  // namespace sc
