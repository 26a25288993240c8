#pragma once
// The ResponseReader of a probe: the deployment's backends are real applications, so what
// identifies a backend is the user's --identify specs (first match wins, right away) and what
// marks a loss is the session cookie re-issued or a --lost-when signal. It also keeps, per
// exchange, what `--identify auto` decides from after the run, and the cookies as set.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "contract/response_reader.hpp"
#include "cookie/cookie_pairs.hpp"
#include "cookie/cookie_tally.hpp"
#include "cookie/set_cookie.hpp"
#include "identify/identify_spec.hpp"
#include "identify/observations.hpp"
#include "identify/session_cookies.hpp"

namespace sc {

// A cookie as the probe saw it set, for the report and the attribute diagnosis.
struct CookieSeen {
  SetCookie first;                    // its first Set-Cookie, attributes as written
  std::string set_on_path;            // the request path of that response
  long long responses = 0;            // responses that set it
  std::vector<std::string> examples;  // up to 3 distinct values
};

class ProbeReader : public ResponseReader {
 public:
  ProbeReader(std::vector<identify::IdentifySpec> identify,
              std::vector<identify::LostWhenSpec> lost_when,
              identify::SessionCookieRule session_rule, std::vector<std::string> paths);

  bool wants_header(std::string_view) const override { return true; }
  std::size_t body_limit() const override;
  bool wants_sent_cookies() const override { return true; }
  void read(const ResponseView& response, ResponseFacts& facts) override;

  // Per session, its exchanges in order (what auto identification reads); grouped by record
  // when group_by_record() was called.
  const std::vector<identify::SessionObservation>& observations() const { return sessions_; }
  const std::map<std::string, CookieSeen>& cookies() const { return cookies_; }
  const CookieTally& tally() const { return tally_; }  // for the report
  // Distinct Server header values seen (up to a few), for the Apache-specific causes.
  const std::vector<std::string>& servers() const { return servers_; }
  // The first redirect seen, "302 to /login" (Location made printable, bounded); "" if none.
  const std::string& redirect_example() const { return redirect_example_; }
  bool auto_wanted() const { return auto_; }
  // A record is not one exchange (a socket.io event: a poll, a POST, or none over the
  // WebSocket): observations are merged per record (the view's seq), so that the record's
  // number finds them; pad_observations() fills records that had none.
  void group_by_record() { per_record_ = true; }
  // Sessions that follow steps change their session id on purpose (a login's new id): a
  // re-issued session cookie is then no loss; the steps' lost_when and --lost-when decide.
  void losses_by_signals_only() { signals_only_ = true; }
  void pad_observations(std::uint32_t session, std::size_t records);
  bool is_session_cookie(std::string_view name) const { return session_rule_.matches(name); }
  // Some request sent back a session cookie whose re-issue reads as a loss (not a sealed
  // value): without it, and without --lost-when, no loss could have been seen.
  bool session_cookie_sent_back() const { return !sent_back_.name.empty(); }
  // The first such cookie sent back, with its value (the shape of the application's ids).
  const CookiePair& sent_back_session_cookie() const { return sent_back_; }
  const identify::SessionCookieRule& session_rule() const { return session_rule_; }
  // "json:/backend named no backend in 40 responses (40 bodies were not valid JSON)"; empty
  // when the explicit --identify specs named one every time (or there are none).
  std::string explicit_misses() const;

 private:
  void note_cookies(const identify::ResponseView& view, std::uint32_t seq);
  void note_observation(std::uint32_t session, std::uint32_t seq,
                        identify::ExchangeObservation seen);
  void note_explicit_miss(const identify::ResponseView& view, bool missed);

  std::vector<identify::IdentifySpec> identify_;
  std::vector<identify::LostWhenSpec> lost_when_;
  identify::SessionCookieRule session_rule_;
  std::vector<std::string> paths_;
  bool auto_ = false;
  bool per_record_ = false;
  bool signals_only_ = false;
  bool has_explicit_ = false;  // a spec other than auto was given
  std::vector<identify::SessionObservation> sessions_;
  std::map<std::string, CookieSeen> cookies_;
  CookieTally tally_;
  bool has_kind(identify::IdentifyKind kind) const;
  struct Misses {
    long long responses = 0, not_json = 0, over_limit = 0, past_regex_limit = 0;
  } misses_;
  std::vector<std::string> servers_;
  std::string redirect_example_;
  CookiePair sent_back_;
};

}  // namespace sc
