#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <regex>
#include <set>

#include "checks/checks.hpp"
#include "proxies/caddy/caddy_syntax.hpp"
#include "proxies/haproxy/haproxy_syntax.hpp"
#include "proxies/nginx/nginx_site.hpp"

namespace sc {

namespace {

std::string nothing_sticks(const Scenario& s);  // below, with the configurations' readers

std::string separator_name(char sep) { return fmt::format("'{}'", sep); }

std::string examples(const Metrics& m) {
  std::string out;
  for (const auto& v : m.sticky_value_examples) out += (out.empty() ? "" : ", ") + v;
  return out;
}

// Nearly every moved session moved once, right after its first request: that request was
// balanced without the key the later ones are balanced by.
std::string moved_after_first(const Scenario& s, const Metrics& m) {
  const long long moved = m.sessions - m.sticky_sessions;
  if (moved == 0 || m.sessions_moved_after_first_only * 10 < moved * 9) return "";
  const std::string_view how =
      s.proxy.type == "nginx"
          ? nginx_cookie_hash_how()
          : "a proxy hashing a cookie the backends set sees none on a session's first request";
  return fmt::format(
      "{} of the {} sessions that moved did so only between their first and second request "
      "and stayed put afterwards: {}; {}",
      m.sessions_moved_after_first_only, moved, first_request_unhashed(how),
      first_request_unhashed_remedy());
}

// The clients received Set-Cookies, none of them for `cookie`.
bool never_set(const std::string& cookie, const RunEvidence& ev) {
  if (!ev.cookies_captured) return false;
  return std::none_of(ev.set_cookies.begin(), ev.set_cookies.end(),
                      [&](const std::string& h) { return h.starts_with(cookie + "="); });
}

void push(std::vector<std::string>& causes, std::string why) {
  if (!why.empty()) causes.push_back(std::move(why));
}

// The sticky cookie never reached a backend, on mod_proxy_balancer or the reference balancer.
std::string route_cookie_absent(const std::string& cookie, const RunEvidence& ev) {
  if (auto why = cookie_not_returned(cookie, ev); !why.empty()) return why;
  if (never_set(cookie, ev))
    return fmt::format(
        "no response set the sticky cookie {} and no request carried it: nothing sets it, so "
        "the balancer had nothing to route by; {}",
        cookie, route_cookie_remedy());
  if (ev.cookies_captured)
    return fmt::format(
        "the sticky cookie {} was set with attributes that let the client send it to {}://{}{}, "
        "yet no request reached a backend carrying it: something between the client and the "
        "backends removes it",
        cookie, ev.scheme, ev.host, ev.path);
  return fmt::format(
      "no request reached a backend carrying the sticky cookie {}: the client never sent it "
      "back (it was never set, or its Path, Domain, Secure or SameSite kept it from being "
      "sent), so the balancer had nothing to route by",
      cookie);
}

// Routes in a cookie that carries them: do they name a member?
std::string unmatched_routes(const Scenario& s, const Metrics& m) {
  const char sep = s.proxy.separator();
  std::vector<std::string> routes;
  for (const auto& b : s.backends) routes.push_back(b.options.route);
  long long matching = 0;
  for (const auto& v : m.sticky_value_examples) {
    auto pos = sep == 0 ? std::string::npos : v.find(sep);
    std::string route = sep == 0 ? v : (pos == std::string::npos ? "" : v.substr(pos + 1));
    for (const auto& r : routes)
      if (r == route) ++matching;
  }
  if (m.sticky_value_examples.empty() || matching != 0) return "";
  std::string list;
  for (const auto& r : routes) list += (list.empty() ? "" : ", ") + r;
  return fmt::format(
      "the routes in the sticky cookie {} (e.g. {}) match no member's route ({}); route "
      "matching is exact and case-sensitive, and the route is everything after the first "
      "separator {}",
      s.proxy.sticky_cookie(), examples(m), list,
      sep == 0 ? std::string("(Off: the whole value)") : separator_name(sep));
}

// mod_proxy_balancer and the reference balancer: the route after the sticky cookie's separator.
void route_causes(const Scenario& s, const Metrics& m, const RunEvidence& ev,
                  std::vector<std::string>& causes) {
  const std::string cookie = s.proxy.sticky_cookie();
  if (cookie.empty()) {
    causes.push_back(
        "no stickysession is configured, so the balancer balances every request afresh");
    return;
  }
  const char sep = s.proxy.separator();
  if (m.requests_with_sticky_cookie == 0) return push(causes, route_cookie_absent(cookie, ev));
  if (sep != 0 && m.sticky_values_with_separator == 0) {
    causes.push_back(fmt::format(
        "the sticky cookie {} carries no route: none of the {} distinct values seen (e.g. {}) "
        "contains the separator {}, and {}; {}",
        cookie, m.distinct_sticky_values, examples(m), separator_name(sep),
        no_route_means_afresh(), route_cookie_remedy()));
    return;
  }
  push(causes, unmatched_routes(s, m));
  if (causes.empty()) push(causes, moved_after_first(s, m));
}

// HAProxy: a cookie it inserts with `indirect` is removed from what the servers see, by
// design, so a sticky cookie no backend received says nothing unless the clients could not
// keep it or nothing set it.
void haproxy_causes(const Scenario& s, const Metrics& m, const RunEvidence& ev,
                    std::vector<std::string>& causes) {
  push(causes, nothing_sticks(s));
  if (!causes.empty()) return;
  const std::string cookie = s.proxy.sticky_cookie();
  if (!cookie.empty() && m.requests_with_sticky_cookie == 0) {
    push(causes, cookie_not_returned(cookie, ev));
    if (causes.empty() && never_set(cookie, ev))
      causes.push_back(fmt::format(
          "no response set the cookie {} that HAProxy sticks by: without `cookie {} insert` "
          "(or backends that set it) in the backend section serving these requests, every "
          "request is balanced afresh",
          cookie, cookie));
  }
  if (causes.empty()) push(causes, moved_after_first(s, m));
}

// The hash keys of the nginx configuration under test, read from its text.
// The configuration under test, its template's placeholders ({{address}}) standing for one
// word each so that lines stay where they are.
std::string config_text(const Scenario& s) {
  return std::regex_replace(s.proxy.config_text, std::regex(R"(\{\{[a-z_]+\}\})"),
                            "127.0.0.1:9");
}

std::vector<nginx::HashKey> nginx_hash_keys(const Scenario& s) {
  if (s.proxy.type != "nginx" || s.proxy.config_text.empty()) return {};
  auto config = nginx::parse(config_text(s), s.proxy.config);
  if (!config) return {};
  return nginx::hash_keys(nginx::read_site(*config, s.traffic.path));
}

// "FILE:LINE" of a line of the configuration's text (included files spliced in: their own).
std::string config_place(const Scenario& s, std::size_t line) {
  const auto& origins = s.proxy.config_origins;
  if (line >= 1 && line <= origins.size())
    return fmt::format("{}:{}", origins[line - 1].first, origins[line - 1].second);
  return fmt::format("{}:{}", s.proxy.config, line);
}

// "connect\\.sid": a cookie name as a PCRE matches it literally.
std::string regex_escaped(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (std::string_view(".^$|()[]{}*+?\\").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

// `hash $cookie_connect.sid`: nginx reads the cookie "connect" and the text ".sid".
std::string misspelt_cookie_key(const Scenario& s) {
  for (const auto& k : nginx_hash_keys(s)) {
    if (k.meant.empty()) continue;
    const std::string read = k.meant.substr(0, k.meant.size() - k.literal_after.size());
    return fmt::format(
        "`hash {}` ({}) does not read the cookie {}: an nginx variable name ends at '{}', so "
        "it reads $cookie_{} (a cookie named {}) followed by the text \"{}\", and the key is "
        "the same for every client without a cookie named {}; read the cookie through a map, "
        "e.g. map $http_cookie $sticky_key {{ \"~(^|;\\s*){}=(?<v>[^;]+)\" $v; }} and "
        "hash $sticky_key consistent",
        k.written, config_place(s, k.line), k.meant, k.literal_after.front(), read, read,
        k.literal_after, read, regex_escaped(k.meant));
  }
  return "";
}

// What the pool the run reaches sticks by, as nginx, HAProxy or Caddy reads the configuration;
// "" when nothing does, nullopt when that cannot be said (no configuration, or no pool).
std::optional<std::string> sticks_by(const Scenario& s) {
  if (s.proxy.config_text.empty()) return std::nullopt;
  const auto text = config_text(s);
  const std::string& path = s.traffic.path;
  if (s.proxy.type == "nginx") {
    auto config = nginx::parse(text, s.proxy.config);
    if (!config) return std::nullopt;
    const auto how = nginx::stickiness(nginx::read_site(*config, path));
    return how == "no upstream" ? std::nullopt : std::optional(how);
  }
  if (s.proxy.type == "haproxy") {
    const auto config = haproxy::parse(text);
    const auto choice = haproxy::choose_pool(config, path);
    if (!choice.pool) return std::nullopt;
    return haproxy::stickiness(config, *choice.pool);
  }
  if (s.proxy.type == "caddy") {
    auto config = caddy::parse(text, s.proxy.config);
    if (!config) return std::nullopt;
    const auto choice = caddy::choose_proxy(*config, path);
    if (!choice.proxy) return std::nullopt;
    return caddy::stickiness(*choice.proxy);
  }
  return std::nullopt;
}

// Nothing in the configuration makes the pool stick: the whole story, with the fix for that proxy.
std::string nothing_sticks(const Scenario& s) {
  const auto how = sticks_by(s);
  if (!how || !how->empty()) return "";
  const std::string_view fix =
      s.proxy.type == "nginx"
          ? "stick by the client's address (ip_hash) or hash a cookie (`hash $cookie_NAME "
            "consistent`, whose first request still goes round robin)"
      : s.proxy.type == "haproxy"
          ? "have HAProxy insert its own cookie: `cookie SRV insert indirect nocache` in the "
            "backend and `cookie NAME` on each server"
          : "stick on a cookie Caddy sets itself: lb_policy cookie";
  return fmt::format(
      "nothing in {} sticks: the pool the requests reach has no stickiness directive, so {} "
      "balances every request afresh and each session's requests spread over the backends; {}",
      s.proxy.config.empty() ? std::string("the configuration") : s.proxy.config,
      s.proxy.type, fix);
}

// `hash $cookie_sid` where no response ever set sid: every request hashes an empty key.
std::string hashed_cookie_never_set(const Scenario& s, const RunEvidence& ev) {
  for (const auto& k : nginx_hash_keys(s))
    for (const auto& cookie : k.cookies) {
      if (!never_set(cookie, ev)) continue;
      std::set<std::string> names;
      for (const auto& h : ev.set_cookies) names.insert(h.substr(0, h.find('=')));
      std::string given;
      for (const auto& n : names) given += (given.empty() ? "" : ", ") + n;
      return fmt::format(
          "no response set the cookie {} that `hash {}` ({}) reads, so nginx hashed an "
          "empty key for every request, which falls back to round robin{}",
          cookie, k.written, config_place(s, k.line),
          given.empty() ? std::string(" (no response set any cookie)")
                        : fmt::format("; the cookies the clients were given: {}", given));
    }
  return "";
}

// nginx: `hash $cookie_NAME` (consistent or not) and ip_hash; never a route.
void nginx_causes(const Scenario& s, const Metrics& m, const RunEvidence& ev,
                  std::vector<std::string>& causes) {
  push(causes, nothing_sticks(s));
  if (causes.empty()) push(causes, misspelt_cookie_key(s));
  if (causes.empty()) push(causes, hashed_cookie_never_set(s, ev));
  if (!causes.empty()) return;
  push(causes, moved_after_first(s, m));
  const std::string cookie = s.proxy.sticky_cookie();
  if (!causes.empty() || cookie.empty() || m.requests_with_sticky_cookie != 0) return;
  push(causes, cookie_not_returned(cookie, ev));
  if (causes.empty() && never_set(cookie, ev))
    causes.push_back(fmt::format(
        "no response set the cookie {}, so nginx's `hash $cookie_{}` hashed an empty key for "
        "every request, which falls back to round robin",
        cookie, cookie));
}

// Caddy, a command or an external proxy: what holds whatever the proxy sticks by.
void other_causes(const Scenario& s, const Metrics& m, const RunEvidence& ev,
                  std::vector<std::string>& causes) {
  push(causes, nothing_sticks(s));
  if (!causes.empty()) return;
  const std::string cookie = s.proxy.sticky_cookie();
  if (!cookie.empty() && m.requests_with_sticky_cookie == 0)
    push(causes, cookie_not_returned(cookie, ev));
  if (causes.empty()) push(causes, moved_after_first(s, m));
}

// socket.io sessions whose upgrade to WebSocket failed (they went on polling): why, for the
// proxy under test.
std::string upgrade_failures(const Scenario& s, const Metrics& m) {
  if (m.upgrade_failures == 0) return "";
  const bool other_node = m.top_upgrade_failure.find("Session ID unknown") != std::string::npos;
  // Counted as attempts that failed and the sessions they hit: a session that reconnects
  // tries again, so failures can outnumber sessions.
  return fmt::format(
      "{} socket.io upgrade{} to WebSocket failed, in {} of {} sessions (the most common: {}): {}",
      m.upgrade_failures, m.upgrade_failures == 1 ? "" : "s", m.sessions_with_upgrade_failures,
      m.sessions + m.cookieless_sessions, m.top_upgrade_failure,
      socketio_upgrade_remedy(s.proxy.type, other_node));
}

// socket.io long-polls that ended, the proxy's answer or a cut, before the nodes' ping would
// have answered them: the proxy's timeout for an upstream answer is shorter than the time a
// node may hold a poll. Nothing is said of polls that ended at the ping or later.
std::string polls_ended_early(const Scenario& s, const Metrics& m) {
  if (m.polls_ended == 0) return "";
  const auto held = long_poll_held_seconds(m.top_poll_end);
  std::chrono::milliseconds ping{0}, timeout{0};
  for (const auto& b : s.backends) {
    ping = std::max(ping, b.options.realtime.ping_interval);
    timeout = std::max(timeout, b.options.realtime.ping_timeout);
  }
  if (!held || ping.count() == 0 || *held * 1000 >= ping.count()) return "";
  const auto seconds = [](std::chrono::milliseconds ms) { return (ms.count() + 999) / 1000; };
  return fmt::format(
      "{} socket.io long-poll{} ended without the node's answer (the most common: {}), though "
      "a node holds a poll until it has something to send or its next ping, every {} s "
      "(pingInterval): the proxy gave up after {} s, before the node answered, and the client "
      "then reconnected with a new session; {}",
      m.polls_ended, m.polls_ended == 1 ? "" : "s", m.top_poll_end, seconds(ping), *held,
      socketio_poll_timeout_remedy(s.proxy.type, seconds(ping + timeout)));
}

}  // namespace

std::vector<std::string> diagnose(const Scenario& s, const Metrics& m, const RunEvidence& ev) {
  std::vector<std::string> causes;
  // A failed upgrade is a failed request that no cookie or route explains.
  if (auto why = upgrade_failures(s, m); !why.empty()) {
    causes.push_back(why);
    if (m.upgrade_failures * 2 >= m.errors) return causes;
  }
  // So is a poll the proxy ended: the failures are the timeout's, not the routing's.
  if (auto why = polls_ended_early(s, m); !why.empty()) {
    causes.push_back(why);
    if (m.polls_ended * 2 >= m.errors) return causes;
  }
  for (auto& why : diagnose_answers(s, m, ev)) causes.push_back(std::move(why));
  // engine.io's own answer: a loss whether or not any event named its backend (every event
  // of a session can meet the node that does not hold it).
  const bool sid_unknown =
      s.traffic.protocol == SessionProtocol::kSocketIo && m.session_losses > 0;
  if (sid_unknown)
    causes.push_back(fmt::format("{} of {} socket.io events met engine.io's \"Session ID "
                                 "unknown\": {}; {}",
                                 m.session_losses, m.requests, socketio_session_unknown_why(),
                                 socketio_session_unknown_remedy()));
  // Cookies and routes mean nothing while most requests fail or no answer names a backend.
  long long named = 0;
  for (const auto& [name, f] : m.backends) named += f.requests;
  if (m.errors * 2 > m.requests || (named == 0 && m.answers_without_backend > 0)) return causes;
  if (m.sticky_share() >= s.expect.min_sticky_share) return causes;
  if (auto why = failures_broke_sessions(m, ev); !why.empty()) {
    causes.push_back(why);
    return causes;
  }
  std::vector<std::string> own;
  const std::string& type = s.proxy.type;
  if (type == "reference" || type == "apache")
    route_causes(s, m, ev, own);
  else if (type == "haproxy")
    haproxy_causes(s, m, ev, own);
  else if (type == "nginx")
    nginx_causes(s, m, ev, own);
  else
    other_causes(s, m, ev, own);
  for (auto& why : own) causes.push_back(std::move(why));
  return causes;
}

}  // namespace sc

namespace sc {

std::string diagnose_distribution(const Scenario& s, const Metrics& m) {
  long long total = 0, top = 0;
  std::string top_name;
  for (const auto& [name, f] : m.backends) {
    total += f.first_requests;
    if (f.first_requests > top) top = f.first_requests, top_name = name;
  }
  if (auto why = misspelt_cookie_key(s); !why.empty()) return why;
  if (total == 0 || top != total || s.backends.size() < 2) return "";
  // mod_proxy_balancer (and the reference balancer) has no method that hashes the client.
  const std::string& type = s.proxy.type;
  if (s.traffic.source_per_session || type == "apache" || type == "reference")
    return fmt::format(
        "all {} new sessions went to {}, although {}: the balancer is not spreading new "
        "sessions at all",
        total, top_name,
        s.traffic.source_per_session ? "they came from many addresses"
                                     : "its lbmethod does not look at the client's address");
  const std::string how =
      type == "nginx"     ? std::string(nginx_ip_hash_how())
      : type == "haproxy" ? std::string(haproxy_source_how())
      : type == "caddy"   ? std::string(caddy_ip_hash_how())
                          : fmt::format("{}; {}; Caddy ip_hash", nginx_ip_hash_how(),
                                        haproxy_source_how());
  return fmt::format(
      "all {} new sessions went to {}, and all came from the one address 127.0.0.1: {}; "
      "traffic.source_addresses: per_session gives every session its own address in "
      "127.0.0.0/8",
      total, top_name, address_hash_why(how));
}

}  // namespace sc
