#include "identify/route_suffix.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "identify/auto_identify.hpp"

namespace sc::identify {
namespace {

bool is_route_cookie_name(std::string_view name) {
  return name == "ROUTEID" || name == "BALANCEID";
}

// One cookie's values: a row per session that saw it, in order, repeats folded.
using ValueRows = std::vector<std::vector<std::string>>;

void note_value(std::map<std::string, std::vector<std::string>>& row, const std::string& name,
                const ExchangeObservation& e) {
  auto value = cookie_in_exchange(e, name);
  if (!value) return;
  auto& values = row[name];
  if (values.empty() || values.back() != *value) values.push_back(std::move(*value));
}

std::map<std::string, ValueRows> candidate_rows(const std::vector<SessionObservation>& sessions,
                                                const SessionCookieRule& rule) {
  const auto candidate = [&rule](const std::string& name) {
    return is_route_cookie_name(name) || is_session_cookie_name(name) || rule.matches(name);
  };
  std::map<std::string, ValueRows> out;
  for (const auto& session : sessions) {
    std::map<std::string, std::vector<std::string>> row;
    for (const auto& e : session) {
      for (const auto& c : e.set_cookies)
        if (candidate(c.name)) note_value(row, c.name, e);
      for (const auto& c : e.sent_cookies)
        if (candidate(c.name)) note_value(row, c.name, e);
    }
    for (auto& [name, values] : row) out[name].push_back(std::move(values));
  }
  return out;
}

// The distinct routes and ids of `rows` split at `separator`; false when a value has no
// route, or an id changes its route within a session.
bool split_rows(const ValueRows& rows, char separator, std::set<std::string>& routes,
                std::set<std::string>& ids) {
  for (const auto& values : rows) {
    std::map<std::string, std::string> route_of_id;
    for (const auto& v : values) {
      auto route = suffix_after(v, separator);
      if (!route) return false;
      auto [it, fresh] = route_of_id.emplace(v.substr(0, v.find(separator)), *route);
      if (!fresh && it->second != *route) return false;
      ids.insert(it->first);
      routes.insert(std::move(*route));
    }
  }
  return true;
}

std::optional<RouteSuffix> judge(const std::string& name, const ValueRows& rows, char separator,
                                 bool session_cookie, std::size_t all_sessions) {
  std::set<std::string> routes, ids;
  if (!split_rows(rows, separator, routes, ids)) return std::nullopt;
  const std::size_t s = rows.size(), d = routes.size();
  if (static_cast<double>(s) < kMinSessionCoverage * static_cast<double>(all_sessions))
    return std::nullopt;
  if (d == 0 || d > std::max(kMaxMemberValuesFloor, s / kSessionsPerMember)) return std::nullopt;
  if (s >= 2 && d >= s) return std::nullopt;  // a value per session: part of the id
  if (d < 2 && s > kFewSessions) return std::nullopt;
  if (session_cookie && ids.size() < s) return std::nullopt;  // ids shared: not a session id
  return RouteSuffix{name, separator, d, s, session_cookie, d >= 2 && s > kFewSessions};
}

}  // namespace

std::string_view route_separators() { return ".!-:_~|#$&'()*+/<=>?@[]^`{}"; }

std::optional<std::string> suffix_after(std::string_view value, char separator) {
  const auto at = value.find(separator);
  if (at == std::string_view::npos) return std::nullopt;
  auto route = value.substr(at + 1);
  const bool named = std::any_of(route.begin(), route.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  });
  if (!named) return std::nullopt;
  return std::string(route);
}

std::optional<RouteSuffix> find_route_suffix(const std::vector<SessionObservation>& sessions,
                                             const SessionCookieRule& rule) {
  std::optional<RouteSuffix> best;
  for (const auto& [name, rows] : candidate_rows(sessions, rule)) {
    if (best && rows.size() <= best->sessions) continue;  // ties go to the first name
    const bool session_cookie = !is_route_cookie_name(name);
    for (char separator : route_separators())
      if (auto found = judge(name, rows, separator, session_cookie, sessions.size())) {
        best = std::move(found);
        break;
      }
  }
  return best;
}

}  // namespace sc::identify
