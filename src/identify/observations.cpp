#include "identify/observations.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "util/text.hpp"

namespace sc::identify {
namespace {

// One session's view of one cookie, folded exchange by exchange.
struct SessionCookieTrace {
  bool seen = false;
  bool client_first = false;
  bool changed = false;
  std::optional<std::string> current;
};

void fold_exchange(const ExchangeObservation& e, std::map<std::string, SessionCookieTrace>& traces,
                   std::map<std::string, CookieStats>& stats) {
  std::set<std::string> in_exchange;
  for (const auto& sent : e.sent_cookies) {
    auto& t = traces[sent.name];
    if (!t.seen) t.client_first = true;  // the client had it before any response set it
    t.seen = true;
    in_exchange.insert(sent.name);
  }
  for (const auto& set : e.set_cookies) {
    auto& t = traces[set.name];
    t.seen = true;
    in_exchange.insert(set.name);
    if (set.value.empty()) continue;  // a deletion is no value
    if (t.current && *t.current != set.value) t.changed = true;
    t.current = set.value;
    stats[set.name].values.insert(set.value);
  }
  for (const auto& name : in_exchange) stats[name].exchanges_seen++;
}

void keep_headers(const ResponseView& view, const std::vector<std::string>& names,
                  ExchangeObservation& out) {
  for (const auto& name : names)
    if (auto v = view.header(name); v && !v->empty())
      out.headers.push_back({name, std::string(*v)});
}

// Only a body that opens as an object is parsed, without exceptions: most pages are HTML. The
// parse keeps only the top-level members named in backend_json_field_names(): the rest of the
// document is read, never stored.
void keep_json_fields(const ResponseView& view, ExchangeObservation& out) {
  const std::string_view body = trim(view.bounded_body());
  if (body.empty() || body.front() != '{') return;
  const auto wanted = [](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    if (event != nlohmann::json::parse_event_t::key) return true;
    const auto& names = backend_json_field_names();
    return depth == 1 && parsed.is_string() &&
           std::find(names.begin(), names.end(), parsed.get_ref<const std::string&>()) !=
               names.end();
  };
  const auto j = nlohmann::json::parse(body, wanted, /*allow_exceptions=*/false);
  if (!j.is_object()) return;
  for (const auto& name : backend_json_field_names()) {
    const auto it = j.find(name);
    if (it == j.end()) continue;
    if (it->is_string() && !it->get_ref<const std::string&>().empty())
      out.json_fields.push_back({name, it->get<std::string>()});
    else if (it->is_number())
      out.json_fields.push_back({name, it->dump()});
  }
}

}  // namespace

const std::vector<CacheHeader>& cache_headers() {
  static const std::vector<CacheHeader> kHeaders = {
      {"X-Served-By", "names the cache node that answered, not the backend"},
      {"Via", "names the proxies and cache nodes the response passed, not the backend"},
      {"X-Cache", "says whether a cache node held the response, not which backend made it"},
      {"X-Cache-Status", "says whether a cache held the response, not which backend made it"},
      {"CF-Cache-Status", "says whether Cloudflare's cache held the response, not the backend"},
      {"X-Cache-Hits", "counts a cache node's hits, not backends"},
      {"X-Varnish", "numbers the transactions of a Varnish cache, not backends"},
      {"Age", "is how long a cache held the response, not a backend"},
      {"CF-Ray", "names the request at Cloudflare's edge, not the backend"},
      {"X-Amz-Cf-Id", "names the request at CloudFront, not the backend"},
      {"X-Amz-Cf-Pop", "names the CloudFront edge location, not the backend"},
      {"X-Fastly-Request-ID", "names the request at Fastly, not the backend"},
  };
  return kHeaders;
}

std::vector<std::string> cache_header_names() {
  std::vector<std::string> out;
  for (const auto& h : cache_headers()) out.push_back(h.name);
  return out;
}

ExchangeObservation observe_exchange(const ResponseView& view) {
  ExchangeObservation out;
  for (const auto& c : view.set_cookies) out.set_cookies.push_back({c.name, c.value});
  for (const auto& c : view.sent_cookies) out.sent_cookies.push_back({c.name, c.value});
  keep_headers(view, backend_header_names(), out);
  static const std::vector<std::string> kCacheNames = cache_header_names();
  keep_headers(view, kCacheNames, out);
  keep_json_fields(view, out);
  return out;
}

std::optional<std::string> cookie_in_exchange(const ExchangeObservation& e, std::string_view name) {
  for (auto it = e.set_cookies.rbegin(); it != e.set_cookies.rend(); ++it)
    if (it->name == name && !it->value.empty()) return it->value;
  for (const auto& c : e.sent_cookies)
    if (c.name == name && !c.value.empty()) return c.value;
  return std::nullopt;
}

std::map<std::string, CookieStats> cookie_stats(const std::vector<SessionObservation>& sessions) {
  std::map<std::string, CookieStats> stats;
  for (const auto& session : sessions) {
    std::map<std::string, SessionCookieTrace> traces;
    for (const auto& e : session) fold_exchange(e, traces, stats);
    for (const auto& [name, t] : traces) {
      auto& s = stats[name];
      s.name = name;
      s.sessions_seen += t.seen;
      s.sessions_client_first += t.client_first;
      s.sessions_changed += t.changed;
    }
  }
  return stats;
}

namespace {

std::vector<HeaderStats> field_stats(const std::vector<SessionObservation>& sessions,
                                     const std::vector<std::string>& names,
                                     std::vector<NameValue> ExchangeObservation::*fields) {
  std::vector<HeaderStats> out;
  for (const auto& name : names) out.push_back({name, 0, {}});
  for (const auto& session : sessions)
    for (const auto& e : session)
      for (auto& h : out)
        for (const auto& seen : e.*fields)
          if (iequals(seen.name, h.name)) {
            h.exchanges_seen++;
            h.values.insert(seen.value);
            break;
          }
  return out;
}

}  // namespace

std::vector<HeaderStats> header_stats(const std::vector<SessionObservation>& sessions,
                                      const std::vector<std::string>& names) {
  return field_stats(sessions, names, &ExchangeObservation::headers);
}

std::vector<HeaderStats> json_field_stats(const std::vector<SessionObservation>& sessions) {
  return field_stats(sessions, backend_json_field_names(), &ExchangeObservation::json_fields);
}

std::size_t exchange_count(const std::vector<SessionObservation>& sessions) {
  std::size_t n = 0;
  for (const auto& s : sessions) n += s.size();
  return n;
}

}  // namespace sc::identify
