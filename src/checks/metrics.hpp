#pragma once
// Figures computed from the request records. Every counter says exactly what it counts.
#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "checks/log_histogram.hpp"
#include "driver/records.hpp"
#include "records/session_index.hpp"

namespace sc {

// The most common texts of one kind (error messages) with how many requests had each, most
// common first (ties: the smaller text), at most kKeptTexts: what a merge of shards adds up
// by text to find the whole run's most common one.
using TextCounts = std::vector<std::pair<std::string, long long>>;
inline constexpr std::size_t kKeptTexts = 16;
// Distinct sticky cookie values a report lists, at most (a merge unites them).
inline constexpr std::size_t kKeptStickyValues = 256;

struct BackendFigures {
  long long requests = 0;        // requests answered with this backend's identity
  long long first_requests = 0;  // sessions whose first request this backend answered
  // HTTP status -> this backend's answers with it, ascending by status.
  std::vector<std::pair<int, long long>> statuses;
};

// One step's share of the run (traffic.steps).
struct StepFigures {
  std::string name;
  long long requests = 0;  // its records, redirect hops included
  long long errors = 0;    // transport errors, 5xx and its own failures
  long long session_losses = 0;
  long long moves = 0;     // its requests answered by another backend than the one before
  std::string top_error;   // the most common failure's words, if any
  TextCounts error_texts;  // its failures' words, top_error first
};

// What the steps tell the figures: their names (a record's step indexes them) and the one
// the sessions are judged from (begins_session; 0 when none has it).
struct StepsView {
  std::vector<std::string> names;
  std::uint16_t judged_from = 0;
  bool has_beginning = false;  // a step has begins_session
};

struct Metrics {
  // Sessions with at least one recorded request whose client keeps cookies, left-out ones
  // aside: the sessions affinity, losses and moves are judged on.
  long long sessions = 0;
  // Sessions whose client keeps no cookies (traffic.cookieless_share): counted in requests,
  // errors, latency and the backends' figures (so in the distribution), not in the
  // session-level figures, since nothing could tie their requests together.
  long long cookieless_sessions = 0;
  long long cookieless_requests = 0;
  long long left_out_sessions = 0;  // sessions bound to a disturbed backend (failover figures judge them)
  long long left_out_requests = 0;  // their requests
  long long requests = 0;         // requests recorded (completed or failed)
  long long errors = 0;           // transport errors, HTTP 5xx answers and step failures
  long long transport_errors = 0; // requests with no HTTP answer (refused, timed out, reset)
  // The most common reason among the transport errors (libcurl's words) and how many had it.
  std::string top_transport_error;
  long long top_transport_error_count = 0;
  TextCounts transport_error_texts;  // the transport errors' texts, the top one first
  // socket.io upgrades to WebSocket that failed (transport errors whose text begins with
  // kUpgradeRefused: the session went on polling), and the most common such text.
  long long upgrade_failures = 0;
  long long sessions_with_upgrade_failures = 0;  // sessions (cookieless too) with one or more
  std::string top_upgrade_failure;
  TextCounts upgrade_failure_texts;
  // socket.io long-polls that ended without the node's answer (records whose text begins
  // with kLongPollEnded: a proxy's 502/504, or a cut), and the most common such text.
  long long polls_ended = 0;
  std::string top_poll_end;
  TextCounts poll_end_texts;
  long long server_errors = 0;    // HTTP 5xx answers
  // Answers below 500 a step refused (traffic.steps: an unexpected status, a capture that
  // found nothing, a redirect it could not follow): the session's script ended there.
  long long step_failures = 0;
  // Requests sent before their session's begins_session step (a login page, the login):
  // counted in requests and errors, not in affinity, losses or moves.
  long long unjudged_requests = 0;
  // Sessions that never reached that step, or whose request at it failed (a refused login):
  // in requests and errors, not in `sessions`.
  long long sessions_not_begun = 0;
  // Per step of traffic.steps, in order (empty without steps).
  std::vector<StepFigures> steps;
  long long sticky_sessions = 0;  // sessions whose every request was answered by one backend
  long long requests_on_first_backend = 0;  // requests answered by their session's first backend
  long long session_losses = 0;   // requests on which a backend reported an id it did not know
  // Requests whose session the backend held but let expire (its session_lifetime): the
  // balancer kept the session, the application began it anew; not a loss.
  long long session_expiries = 0;
  long long backend_switches = 0; // consecutive request pairs in a session on different backends
  long long max_session_switches = 0;  // the most backend switches within one session
  // Sessions of 3 or more requests that switched backend exactly once, between their first
  // and second request, then stayed (a first request balanced without the key the later
  // ones are balanced by).
  long long sessions_moved_after_first_only = 0;
  long long latency_p50_us = 0;
  long long latency_p99_us = 0;
  // The same requests' latencies at two significant digits: what a merge of shards adds up
  // and takes its percentiles from.
  LogHistogram latency;
  std::vector<std::pair<std::string, BackendFigures>> backends;  // configured order first
  // Answers below 500 that named no backend (the identity never came back).
  long long answers_without_backend = 0;
  // HTTP status -> answers with it, ascending by status (transport errors have none); and the
  // same for the answers below 500 that named no backend (a redirect, the proxy's own 404).
  std::vector<std::pair<int, long long>> statuses;
  std::vector<std::pair<int, long long>> statuses_without_backend;
  // Cookie-keeping sessions that did not stick although every answer that named a backend
  // named the same one: a failed request (transport error or 5xx) is what broke them.
  long long unsticky_sessions_failed_only = 0;
  // Cookie-keeping sessions answered by two or more named backends: the ones that certainly
  // did not stick. A negative control counts only these (an answer naming no backend proves
  // no switch).
  long long sessions_over_backends = 0;

  // What the sticky cookie looked like, as the backends received it.
  long long requests_with_sticky_cookie = 0;
  long long distinct_sticky_values = 0;
  long long sticky_values_with_separator = 0;  // distinct values containing the separator
  std::vector<std::string> sticky_value_examples;  // up to 3 distinct values
  // Every distinct value, sorted, while there are at most kKeptStickyValues; else empty.
  std::vector<std::string> sticky_values;

  double sticky_share() const { return sessions ? double(sticky_sessions) / sessions : 0; }
  // The share of sessions not seen on two backends: those that may have stuck.
  double possibly_sticky_share() const {
    return sessions ? 1.0 - double(sessions_over_backends) / sessions : 0;
  }
  double first_backend_share() const {
    const long long n = requests - cookieless_requests - unjudged_requests;
    return n ? double(requests_on_first_backend) / n : 0;
  }
  double error_rate() const { return requests ? double(errors) / requests : 0; }
};

// Most common first (ties: the smaller text), at most kKeptTexts.
void keep_top_texts(TextCounts& texts);

// "301 (2000), 404 (10)": answers by status as the terminal and the causes write them.
std::string status_counts_text(const std::vector<std::pair<int, long long>>& statuses);

// `separator` 0 means the whole value is the route (stickysessionsep=Off). Sessions in
// `left_out` count in no figure but left_out_sessions.
Metrics compute_metrics(const RecordSet& set, const std::vector<std::string>& backend_names,
                        char separator, const std::set<std::uint32_t>& left_out = {},
                        const StepsView& steps = {});
// The same over `sessions`, the records already grouped (one grouping for every figure).
Metrics compute_metrics(const RecordSet& set, const SessionIndex& sessions,
                        const std::vector<std::string>& backend_names, char separator,
                        const std::set<std::uint32_t>& left_out = {},
                        const StepsView& steps = {});

}  // namespace sc
