#include "proxies/haproxy/haproxy_lint.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <string>

#include "causes/causes.hpp"
#include "cookie/session_cookie_names.hpp"
#include "proxies/haproxy/haproxy_syntax.hpp"

namespace sc::haproxy {
namespace {

bool serves(const Section& s) { return s.kind == "backend" || s.kind == "listen"; }

bool has_word(const Line& l, std::string_view w) {
  return std::find(l.words.begin(), l.words.end(), w) != l.words.end();
}

// The section's own `cookie NAME ...` (a `server` line's `cookie V` is the value).
const Line* cookie_line(const Section& s) {
  for (const auto& l : s.lines)
    if (l.word(0) == "cookie") return &l;
  return nullptr;
}

// `option redispatch` in the section, or in the defaults before it, and not undone by
// `no option redispatch` after.
bool redispatches(const Config& c, const Section& s) {
  bool on = false;
  for (const auto& sec : c.sections) {
    if (sec.kind != "defaults" && &sec != &s) continue;
    for (const auto& l : sec.lines) {
      if (l.word(0) == "option" && l.word(1) == "redispatch") on = true;
      if (l.word(0) == "no" && l.word(1) == "option" && l.word(2) == "redispatch") on = false;
    }
    if (&sec == &s) break;
  }
  return on;
}

bool every_server_checked(const Section& s) {
  for (const auto& l : s.lines)
    if (l.word(0) == "server" && !has_word(l, "check")) return false;
  return true;
}

using Context = FindingSink;

void server_cookie_rules(const Section& s, const Line& cookie, Context& c) {
  std::map<std::string, std::size_t> values;
  for (const auto& l : s.lines) {
    if (l.word(0) != "server") continue;
    auto at = std::find(l.words.begin(), l.words.end(), "cookie");
    if (at == l.words.end() || at + 1 == l.words.end()) {
      c.add("haproxy/server-without-cookie", l.line,
            fmt::format("server {} of {} {} has no `cookie VALUE`, while the section sticks on "
                        "cookie {}",
                        l.word(1), s.kind, s.name, cookie.word(1)),
            "HAProxy sets no cookie for a server without a value, so the sessions it answers "
            "are balanced afresh on every request",
            fmt::format("add `cookie {}` (a value of its own) to the server line", l.word(1)));
      continue;
    }
    if (auto [it, fresh] = values.emplace(*(at + 1), l.line); !fresh)
      c.add("haproxy/duplicate-cookie-value", l.line,
            fmt::format("server {} has cookie {}, as the server on line {}", l.word(1), *(at + 1),
                        it->second),
            "a cookie value names one server: HAProxy sends every session carrying it to the "
            "first, and the other's sessions are lost",
            "give each server a cookie value of its own");
  }
}

void cookie_mode_rule(const Section& s, const Line& cookie, Context& c) {
  if (!has_word(cookie, "insert")) return;
  std::vector<std::string> missing;
  for (const char* w : {"indirect", "nocache"})
    if (!has_word(cookie, w)) missing.push_back(w);
  if (missing.empty()) return;
  c.add("haproxy/insert-without-indirect-nocache", cookie.line,
        fmt::format("cookie {} insert in {} {} without {}", cookie.word(1), s.kind, s.name,
                    fmt::join(missing, " and ")),
        std::string(haproxy_insert_options_why()),
        fmt::format("write `cookie {} insert indirect nocache`", cookie.word(1)));
}

// The cookie a stick rule reads: `req.cook(NAME)` (or the older `cookie(NAME)`); "" otherwise.
std::string cookie_of(const std::string& fetch, std::string_view prefix) {
  if (!fetch.starts_with(prefix) || fetch.back() != ')') return "";
  return fetch.substr(prefix.size(), fetch.size() - prefix.size() - 1);
}

// `stick on req.cook(PHPSESSID)` / `stick match req.cook(...)`: keyed on the application's
// session id, which applications re-issue at login, unless the response's new id is stored.
void stick_rules(const Section& s, Context& c) {
  std::vector<std::string> learned;
  for (const auto& l : s.lines)
    if (l.word(0) == "stick" && l.word(1) == "store-response")
      learned.push_back(cookie_of(l.word(2), "res.cook("));
  for (const auto& l : s.lines) {
    if (l.word(0) != "stick" || (l.word(1) != "on" && l.word(1) != "match")) continue;
    std::string cookie = cookie_of(l.word(2), "req.cook(");
    if (cookie.empty()) cookie = cookie_of(l.word(2), "cookie(");
    if (cookie.empty() || !is_session_cookie_name(cookie) ||
        std::find(learned.begin(), learned.end(), cookie) != learned.end())
      continue;
    c.add("haproxy/stick-on-session-id", l.line,
          fmt::format("stick {} {} in {} {}: the table is keyed on the application's session id",
                      l.word(1), l.word(2), s.kind, s.name),
          fmt::format("applications give a session a new {} at login (PHP's "
                      "session_regenerate_id, Spring's session fixation protection); the table "
                      "knows only the old one, so the request after the login is balanced afresh "
                      "and lands where the new session is unknown",
                      cookie),
          fmt::format("learn the id from the responses too: stick store-response res.cook({}) "
                      "beside stick match req.cook({}), or stick on a cookie HAProxy inserts",
                      cookie, cookie));
  }
}

// HAProxy's time syntax: "30s", "5000" (ms), "1m", "500ms"; -1 when unreadable.
double seconds_of(const std::string& t) {
  std::size_t digits = 0;
  while (digits < t.size() && t[digits] >= '0' && t[digits] <= '9') ++digits;
  if (digits == 0) return -1;
  const double n = std::stod(t.substr(0, digits));
  const std::string unit = t.substr(digits);
  if (unit.empty() || unit == "ms") return n / 1000;
  if (unit == "us") return n / 1e6;
  if (unit == "s") return n;
  if (unit == "m") return n * 60;
  if (unit == "h") return n * 3600;
  if (unit == "d") return n * 86400;
  return -1;
}

// With socket.io behind it (named in an ACL or a path), a `timeout server` under its 25 s
// ping interval cuts every idle long-poll.
void timeout_rules(const Section& s, Context& c) {
  for (const auto& l : s.lines) {
    if (l.word(0) != "timeout" || l.word(1) != "server") continue;
    const double t = seconds_of(l.word(2));
    if (t < 0 || t >= 25) continue;
    c.add("haproxy/server-timeout-under-ping-interval", l.line,
          fmt::format("timeout server {} in {}{}{}, in front of socket.io", l.word(2), s.kind,
                      s.name.empty() ? "" : " ", s.name),
          "socket.io's server answers an idle long-poll only at its ping, every 25 s by default "
          "(pingInterval); HAProxy cuts a poll that waits longer than timeout server with a "
          "504, and the client reconnects as a new session",
          "timeout server 60s (and timeout tunnel 1h for WebSocket), or more than the "
          "application's pingInterval");
  }
}

void section_rules(const Config& config, const Section& s, Context& c) {
  stick_rules(s, c);
  for (const auto& l : s.lines)
    if (l.word(0) == "balance" && l.word(1) == "source")
      c.add("haproxy/balance-source", l.line,
            fmt::format("balance source in {} {}", s.kind, s.name),
            address_hash_why(haproxy_source_how()) +
                "; it works only while every client has an address of its own",
            "stick on a cookie HAProxy inserts (cookie SRV insert indirect nocache, with a "
            "cookie value on each server) unless all clients reach it directly");
  const Line* cookie = cookie_line(s);
  if (!cookie || cookie->words.size() < 2) return;
  server_cookie_rules(s, *cookie, c);
  cookie_mode_rule(s, *cookie, c);
  // With health checks a DOWN server's cookie is redispatched anyway (unless option persist);
  // without them, nothing ever sends its sessions elsewhere.
  if (!redispatches(config, s) && !every_server_checked(s))
    c.add("haproxy/no-redispatch", cookie->line,
          fmt::format("cookie persistence in {} {} without option redispatch, and servers "
                      "without `check`",
                      s.kind, s.name),
          "a request whose cookie names a server that does not answer is not retried on "
          "another one, and without health checks the server is never marked down: the "
          "sessions pinned to a dead server fail until their cookie goes",
          "add `option redispatch` to the section or its defaults, and `check` to the servers");
}

}  // namespace

std::vector<Finding> lint(std::string_view text, const std::string& file) {
  const Config config = parse(text);
  Context c{file, {}};
  if (text.find("socket.io") != std::string_view::npos)
    for (const auto& s : config.sections)
      if (s.kind == "defaults" || serves(s)) timeout_rules(s, c);
  for (const auto& s : config.sections)
    if (serves(s)) section_rules(config, s, c);
  return c.out;
}

}  // namespace sc::haproxy
