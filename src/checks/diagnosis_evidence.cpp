// Causes read from what happened to the requests and from the proxy's own log: they come
// before any cause about cookies or routes, which mean nothing while requests fail.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <set>

#include "checks/checks.hpp"
#include "cookie/set_cookie.hpp"
#include "identify/cookie_hygiene.hpp"
#include "proxies/proxy_kinds.hpp"
#include "util/text.hpp"

namespace sc {

namespace {

constexpr std::size_t kMaxLogLine = 300;

// The line without its leading "[...]" groups (time, module, pid), which differ on every
// repetition of one message.
std::string_view message_of(std::string_view line) {
  line = trim(line);
  while (line.starts_with('[')) {
    auto close = line.find(']');
    if (close == std::string_view::npos) break;
    line = trim(line.substr(close + 1));
  }
  return line;
}

std::string counts_of_failures(const Metrics& m) {
  std::string out =
      fmt::format("{} transport errors, {} HTTP 5xx", m.transport_errors, m.server_errors);
  if (m.top_transport_error_count > 0)
    out += fmt::format("; the most common transport error ({} of {}): {}",
                       m.top_transport_error_count, m.transport_errors, m.top_transport_error);
  return out;
}

std::string quoted_log(const RunEvidence& ev) {
  auto lines = failure_log_lines(ev.proxy_log);
  if (lines.empty()) return "";
  std::string out;
  for (const auto& l : lines) out += (out.empty() ? "\"" : "; \"") + l + "\"";
  return "; the proxy's log says: " + out;
}

std::string most_requests_failed(const Metrics& m, const RunEvidence& ev) {
  if (m.requests == 0 || m.errors * 2 <= m.requests) return "";
  return fmt::format(
      "{} of {} requests failed ({}): the proxy could not get answers from its members, so "
      "affinity cannot be judged until they succeed{}",
      m.errors, m.requests, counts_of_failures(m), quoted_log(ev));
}

std::string declared_list(const Scenario& s) {
  std::string out;
  for (const auto& b : s.backends) out += (out.empty() ? "" : ", ") + b.options.name;
  return out;
}

// Backend names in the answers that the scenario does not declare, with their requests.
std::string undeclared_names(const Scenario& s, const Metrics& m, long long& requests) {
  std::string out;
  requests = 0;
  for (const auto& [name, f] : m.backends) {
    const bool declared =
        std::any_of(s.backends.begin(), s.backends.end(),
                    [&n = name](const BackendSpec& b) { return b.options.name == n; });
    if (declared || f.requests == 0) continue;
    out += fmt::format("{}{} ({})", out.empty() ? "" : ", ", name, f.requests);
    requests += f.requests;
  }
  return out;
}

// What answers of the most common status without a backend usually are, for this run.
std::string status_meaning(int status, const RunEvidence& ev) {
  if (status >= 300 && status < 400)
    return fmt::format(
        "redirects{}: the proxy (or what answers for it) sends the clients elsewhere, to https, "
        "another host or a login page; aim traffic.path and traffic.host at where they lead",
        ev.redirect_example.empty() ? "" : " (for example " + ev.redirect_example + ")");
  if (status == 400 && ev.scheme == "http")
    return "400 Bad Request is what a TLS port answers to plain http: the site may be served "
           "over https only";
  if (status == 404 || status == 421)
    return "the proxy's own answer for a path or host it does not pass to its members: check "
           "traffic.path and traffic.host against the configuration";
  if (status == 401 || status == 403)
    return "the proxy refuses the requests itself (authentication or access rules)";
  return "";
}

std::string no_backend_named(const Scenario& s, const Metrics& m, const RunEvidence& ev) {
  long long named = 0;
  for (const auto& [name, f] : m.backends) named += f.requests;
  const long long answers = named + m.answers_without_backend;
  if (m.answers_without_backend == 0 || m.answers_without_backend * 2 <= answers) return "";
  std::string what;
  if (!m.statuses_without_backend.empty()) {
    auto top = *std::max_element(
        m.statuses_without_backend.begin(), m.statuses_without_backend.end(),
        [](const auto& a, const auto& b) { return a.second < b.second; });
    const auto meaning = status_meaning(top.first, ev);
    what = fmt::format(": they were {}{}{}", status_counts_text(m.statuses_without_backend),
                       meaning.empty() ? "" : "; ", meaning);
  }
  const std::string share =
      named == 0 ? fmt::format("none of the {} answers named a backend", answers)
                 : fmt::format("{} of the {} answers named no backend", m.answers_without_backend,
                               answers);
  return fmt::format(
      "{}{}. The scenario's backends ({}) stamp their name on every answer "
      "(X-Stickycheck-Backend), so these came from something else (the proxy itself, or members "
      "the configuration points at other than the scenario's backends)",
      share, what, declared_list(s));
}

std::string undeclared_backends(const Scenario& s, const Metrics& m) {
  long long requests = 0;
  const std::string names = undeclared_names(s, m, requests);
  if (names.empty()) return "";
  return fmt::format(
      "{} answers named backends the scenario does not declare: {}; its backends are {}, and "
      "the distribution counts only those (name them in the scenario, or point the "
      "configuration's members at the scenario's backends)",
      requests, names, declared_list(s));
}

}  // namespace

std::vector<std::string> failure_log_lines(const std::vector<std::string>& log, std::size_t max) {
  std::vector<std::string> out;
  std::set<std::string, std::less<>> seen;
  for (const auto& line : log) {
    if (out.size() >= max) break;
    const std::string lower = to_lower(line);
    if (!names_member_failure(lower) || !seen.insert(std::string(message_of(line))).second) continue;
    std::string shown(trim(line));
    if (shown.size() > kMaxLogLine) shown = shown.substr(0, kMaxLogLine) + "...";
    out.push_back(std::move(shown));
  }
  return out;
}

std::vector<std::string> diagnose_answers(const Scenario& s, const Metrics& m,
                                          const RunEvidence& ev) {
  if (auto why = most_requests_failed(m, ev); !why.empty()) return {why};
  // A probe names its backends from what it recognised and says so in its own causes.
  if (s.target || s.backends.empty()) return {};
  if (auto why = no_backend_named(s, m, ev); !why.empty()) return {why};
  if (auto why = undeclared_backends(s, m); !why.empty()) return {why};
  return {};
}

std::string failures_broke_sessions(const Metrics& m, const RunEvidence& ev) {
  const long long unsticky = m.sessions - m.sticky_sessions;
  if (unsticky == 0 || m.unsticky_sessions_failed_only * 2 < unsticky) return "";
  return fmt::format(
      "{} of the {} sessions that did not stick never reached another backend: a request of "
      "theirs failed ({} of {} requests failed: {}), and a request without an answer from "
      "their backend counts against affinity; the cookie did its job{}",
      m.unsticky_sessions_failed_only, unsticky, m.errors, m.requests, counts_of_failures(m),
      quoted_log(ev));
}

std::string cookie_not_returned(const std::string& cookie, const RunEvidence& ev) {
  for (const auto& header : ev.set_cookies) {
    auto parsed = parse_set_cookie(header);
    if (!parsed || parsed->name != cookie) continue;
    const identify::ProbedUrl url{ev.scheme, ev.host, {ev.path}};
    auto findings =
        identify::check_cookie_as_set(*parsed, ev.path, url, std::chrono::system_clock::now());
    if (findings.empty()) return "";
    std::string why = findings.front().cause;
    if (why.ends_with('.')) why.pop_back();
    return fmt::format(
        "no request reached a backend carrying the sticky cookie {}: {} (as set: {}), so the "
        "balancer had nothing to route by",
        cookie, why, header);
  }
  return "";
}

}  // namespace sc
