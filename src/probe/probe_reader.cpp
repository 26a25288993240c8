#include "probe/probe_reader.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "identify/exchange_view.hpp"
#include "identify/explicit_sources.hpp"
#include "identify/response_view.hpp"
#include "identify/session_cookies.hpp"
#include "util/text.hpp"

namespace sc {

namespace {

constexpr std::size_t kMaxServers = 4;

}  // namespace

ProbeReader::ProbeReader(std::vector<identify::IdentifySpec> identify,
                         std::vector<identify::LostWhenSpec> lost_when,
                         identify::SessionCookieRule session_rule, std::vector<std::string> paths)
    : identify_(std::move(identify)),
      lost_when_(std::move(lost_when)),
      session_rule_(std::move(session_rule)),
      paths_(std::move(paths)) {
  auto_ = identify_.empty() || identify_.back().kind == identify::IdentifyKind::automatic;
  // An ack: spec names the backend in the socket.io acknowledgement, never in an HTTP answer.
  for (const auto& s : identify_)
    has_explicit_ = has_explicit_ || (s.kind != identify::IdentifyKind::automatic &&
                                      s.kind != identify::IdentifyKind::ack);
}

std::size_t ProbeReader::body_limit() const { return identify::kMaxBodyBytes; }

void ProbeReader::read(const ResponseView& response, ResponseFacts& facts) {
  const identify::ResponseView view = identify::identify_view(response);
  if (auto match = identify::identify_exchange(identify_, view)) facts.backend = match->identity;
  const auto now = std::chrono::system_clock::now();
  // The application's "new session" signal is a loss only when the request carried a session:
  // on a session's first request it is just the session starting.
  bool sent_session = false;
  for (const auto& c : view.sent_cookies) {
    if (!session_rule_.matches(c.name)) continue;
    sent_session = true;
    if (sent_back_.name.empty() && !identify::is_opaque_value(c.value))
      sent_back_ = {c.name, c.value};
  }
  const bool app_new = identify::lost_by_app_signal(lost_when_, view);
  // A signal the user named decides alone: a re-issued cookie may mean nothing for this
  // application (a value re-encrypted on every response).
  facts.session_lost =
      (app_new && sent_session) ||
      (lost_when_.empty() && !signals_only_ &&
       identify::find_session_loss(view, session_rule_, now).has_value());
  if (app_new && !sent_session) facts.session_new = true;
  note_explicit_miss(view, facts.backend.empty());
  // The session id: the session cookie as set by this response, else as the client sent it.
  for (const auto& c : view.set_cookies)
    if (session_rule_.matches(c.name) && !c.is_deletion(now)) {
      facts.session_id = c.value;
      facts.session_new = true;
    }
  if (facts.session_id.empty())
    for (const auto& c : view.sent_cookies)
      if (session_rule_.matches(c.name)) facts.session_id = c.value;
  note_observation(response.session, response.seq, identify::observe_exchange(view));
  note_cookies(view, response.seq);
  if (response.status >= 300 && response.status < 400 && redirect_example_.empty())
    if (auto location = view.header("location"))
      redirect_example_ = redirect_text(response.status, *location);
  if (auto server = view.header("server");
      server && servers_.size() < kMaxServers &&
      std::find(servers_.begin(), servers_.end(), *server) == servers_.end())
    servers_.emplace_back(*server);
}

void ProbeReader::note_explicit_miss(const identify::ResponseView& view, bool missed) {
  if (!has_explicit_ || !missed) return;
  ++misses_.responses;
  // Each reason only for the kind of spec it can explain: JSON for json:, the read limit
  // for json: (the whole body) and regex: (its first 64 KiB).
  if (has_kind(identify::IdentifyKind::json) && view.body.size() >= identify::kMaxBodyBytes)
    ++misses_.over_limit;
  else if (has_kind(identify::IdentifyKind::json) && !nlohmann::json::accept(view.body))
    ++misses_.not_json;
  if (has_kind(identify::IdentifyKind::regex) && view.body.size() > identify::kMaxRegexBodyBytes)
    ++misses_.past_regex_limit;
}

bool ProbeReader::has_kind(identify::IdentifyKind kind) const {
  return std::any_of(identify_.begin(), identify_.end(),
                     [kind](const identify::IdentifySpec& s) { return s.kind == kind; });
}

std::string ProbeReader::explicit_misses() const {
  if (misses_.responses == 0) return "";
  std::vector<std::string> specs;
  for (const auto& s : identify_)
    if (s.kind != identify::IdentifyKind::automatic) specs.push_back(s.text);
  std::string why;
  if (misses_.not_json) why += fmt::format("{} bodies were not valid JSON", misses_.not_json);
  if (misses_.over_limit)
    why += fmt::format("{}{} bodies were over the {} MiB read limit", why.empty() ? "" : ", ",
                       misses_.over_limit, identify::kMaxBodyBytes >> 20);
  if (misses_.past_regex_limit)
    why += fmt::format("{}{} bodies were longer than the {} KiB a regex: looks in, so a name "
                       "past that was not seen",
                       why.empty() ? "" : ", ", misses_.past_regex_limit,
                       identify::kMaxRegexBodyBytes >> 10);
  return fmt::format("{} named no backend in {} responses{}", fmt::join(specs, ", "),
                     misses_.responses, why.empty() ? "" : " (" + why + ")");
}

void ProbeReader::note_observation(std::uint32_t session, std::uint32_t seq,
                                   identify::ExchangeObservation seen) {
  if (sessions_.size() <= session) sessions_.resize(session + 1);
  auto& exchanges = sessions_[session];
  if (!per_record_) {
    exchanges.push_back(std::move(seen));
    return;
  }
  pad_observations(session, seq + 1);
  auto& at = exchanges[seq];
  at.set_cookies.insert(at.set_cookies.end(), seen.set_cookies.begin(), seen.set_cookies.end());
  if (!seen.sent_cookies.empty()) at.sent_cookies = std::move(seen.sent_cookies);
  at.headers.insert(at.headers.end(), seen.headers.begin(), seen.headers.end());
  at.json_fields.insert(at.json_fields.end(), seen.json_fields.begin(), seen.json_fields.end());
}

void ProbeReader::pad_observations(std::uint32_t session, std::size_t records) {
  if (sessions_.size() <= session) sessions_.resize(session + 1);
  auto& exchanges = sessions_[session];
  while (exchanges.size() < records) {
    // A record with no HTTP exchange of its own (an event over the WebSocket) carries what
    // the session's jar held: the cookies last sent, with those set since in their place.
    identify::ExchangeObservation carried;
    if (!exchanges.empty()) {
      carried.sent_cookies = exchanges.back().sent_cookies;
      for (const auto& set : exchanges.back().set_cookies) {
        std::erase_if(carried.sent_cookies, [&](const auto& c) { return c.name == set.name; });
        if (!set.value.empty()) carried.sent_cookies.push_back(set);
      }
    }
    exchanges.push_back(std::move(carried));
  }
}

void ProbeReader::note_cookies(const identify::ResponseView& view, std::uint32_t seq) {
  for (const auto& h : view.headers)
    if (to_lower(h.name) == "set-cookie") tally_.add(h.value);
  for (const auto& c : view.set_cookies) {
    if (cookies_.count(c.name) || cookies_.size() >= CookieTally::kMaxNames) continue;
    const std::string& path = paths_.empty() ? std::string("/") : paths_[seq % paths_.size()];
    cookies_.emplace(c.name, CookieSeen{c, path.substr(0, path.find('?')), 0, {}});
  }
}

}  // namespace sc
