#include "probe/probe_run.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <thread>

#include "checks/checks.hpp"
#include "checks/metrics.hpp"
#include "driver/driver.hpp"
#include "identify/auto_facts.hpp"
#include "identify/auto_identify.hpp"
#include "identify/explicit_sources.hpp"
#include "probe/loss_canary.hpp"
#include "probe/probe_diagnosis.hpp"
#include "probe/probe_reader.hpp"
#include "probe/probe_verdict.hpp"
#include "realtime/session_protocol.hpp"
#include "runner/scenario_results.hpp"
#include "scenario/scenario_parser.hpp"
#include "scenario/scenario_shard.hpp"
#include "scenario/users_csv.hpp"
#include "util/stopwatch.hpp"

namespace sc {

namespace {

DriverConfig probe_driver_config(const Scenario& s, const RunContext& ctx) {
  const TargetSpec& t = *s.target;
  DriverConfig dc = driver_config_for(s, t.url, ctx.wake_fd);
  dc.paths = t.paths;
  dc.client.headers = t.headers;
  dc.client.user_agent = t.user_agent;
  dc.client.cacert = t.cacert;
  dc.client.insecure = t.insecure;
  dc.client.resolve = t.resolve;
  dc.client.http2 = t.http2;
  dc.initial_cookies = t.cookie;
  // The rate counts HTTP requests: a socket.io event brings a POST and a poll.
  dc.rate = s.traffic.protocol == SessionProtocol::kSocketIo ? t.rate / kSocketIoRequestsPerEvent
                                                              : t.rate;
  dc.honour_retry_after = true;
  dc.max_consecutive_transport_errors = t.max_consecutive_errors;
  // One thread: its Retry-After hold, rate and error count then cover every session.
  dc.threads = 1;
  if (auto specs = identify::parse_identify_specs(t.identify))
    if (const auto* ack = identify::find_ack_spec(*specs)) {
      dc.realtime.event = ack->name;
      dc.realtime.ack_pointer = ack->pointer;
    }
  return dc;
}

bool is_socketio(const Scenario& s) { return s.traffic.protocol == SessionProtocol::kSocketIo; }

ProbeReader make_reader(const Scenario& s) {
  const TargetSpec& t = *s.target;
  // The specs were validated when the scenario was parsed.
  auto ids = identify::parse_identify_specs(t.identify);
  auto lost = identify::parse_lost_when_specs(t.lost_when);
  identify::SessionCookieRule rule;
  if (!t.session_cookie.empty()) rule.name = t.session_cookie;
  ProbeReader reader(ids ? std::move(*ids) : std::vector<identify::IdentifySpec>{},
                     lost ? std::move(*lost) : std::vector<identify::LostWhenSpec>{}, rule,
                     is_socketio(s) ? std::vector{s.traffic.socketio_path} : t.paths);
  if (is_socketio(s)) reader.group_by_record();
  if (!s.traffic.steps.empty()) reader.losses_by_signals_only();
  return reader;
}

// Each socket.io record its observation, also those that had no HTTP exchange of their own.
void pad_socketio_observations(const Scenario& s, const RecordSet& records, ProbeReader& reader) {
  if (!is_socketio(s)) return;
  std::vector<std::size_t> per_session;
  for (const auto& r : records.records) {
    if (per_session.size() <= r.session) per_session.resize(r.session + 1);
    per_session[r.session] = std::max<std::size_t>(per_session[r.session], r.seq + 1);
  }
  for (std::size_t i = 0; i < per_session.size(); ++i)
    reader.pad_observations(static_cast<std::uint32_t>(i), per_session[i]);
}

std::string confidence_name(identify::Confidence c) {
  switch (c) {
    case identify::Confidence::high:
      return "high";
    case identify::Confidence::medium:
      return "medium";
    case identify::Confidence::none:
      break;
  }
  return "none";
}

// The headers the user named as the backend's identity (--identify header:NAME).
std::vector<std::string> told_headers(const TargetSpec& t) {
  std::vector<std::string> out;
  if (auto specs = identify::parse_identify_specs(t.identify))
    for (const auto& spec : *specs)
      if (spec.kind == identify::IdentifyKind::header) out.push_back(spec.name);
  return out;
}

// The signs of a lost session the user named, as a cause quotes them: "--lost-when X", or the
// steps' "lost_when of account: redirect:/login"; empty when none.
std::string lost_when_said(const Scenario& s) {
  std::vector<std::string> signs;
  for (const auto& st : s.traffic.steps)
    if (!st.lost_when.empty())
      signs.push_back(fmt::format("lost_when of {}: {}", st.name, fmt::join(st.lost_when_text, ", ")));
  if (!s.target->lost_when.empty())
    signs.push_back(fmt::format("--lost-when {}", fmt::join(s.target->lost_when, ", ")));
  return fmt::format("{}", fmt::join(signs, "; "));
}

// Some step names its sign of a lost session (lost_when).
bool steps_sign_losses(const Scenario& s) {
  return std::any_of(s.traffic.steps.begin(), s.traffic.steps.end(),
                     [](const StepSpec& st) { return !st.lost_when.empty(); });
}

// Some socket.io event was acknowledged (its record answered 200).
bool any_acknowledged(const RecordSet& set) {
  return std::any_of(set.records.begin(), set.records.end(),
                     [](const RequestRecord& r) { return r.status == 200; });
}

// Why no acknowledgement named a backend: what was asked of them.
std::string unnamed_by_acks(const Scenario& s) {
  const auto specs = identify::parse_identify_specs(s.target->identify);
  const auto* ack = specs ? identify::find_ack_spec(*specs) : nullptr;
  if (!ack) return "";
  const std::string then_auto = fmt::format(
      "; or let an affinity cookie name them: --identify {} --identify auto", ack->text);
  return ack->pointer.empty()
             ? fmt::format("no acknowledgement of '{}' had a string as its first argument (at "
                           "most {} bytes): say where the backend's name is with "
                           "ack:{}:/POINTER{}",
                           ack->name, identify::kMaxIdentityBytes, ack->name, then_auto)
             : fmt::format("no acknowledgement of '{}' had a name at {} in its first argument{}",
                           ack->name, ack->pointer, then_auto);
}

// The explicit specs' identities are in the records already; auto fills the rest.
// `auto_chose`: automatic recognition's source named the backends.
ProbeSummary identify_backends(const Scenario& s, const ProbeReader& reader, RecordSet& set,
                               std::optional<identify::AutoIdentification>& automatic,
                               bool& auto_chose) {
  ProbeSummary p;
  p.url = s.target->url;
  p.confidence = "none";
  long long explicit_hits = 0;
  for (const auto& r : set.records) explicit_hits += r.backend != StringTable::kNone;
  if (explicit_hits > 0) {
    p.identified_by = fmt::format("{} (as told)", fmt::join(s.target->identify, ", "));
    p.confidence = "high";
    p.reason = fmt::format(
        "{} of {} responses named their backend through the --identify "
        "specs",
        explicit_hits, set.records.size());
  }
  // What the cookies show is worth saying even when the user named the source.
  automatic = identify::auto_identify(reader.observations(), {}, reader.session_rule());
  identify::forget_told_cache_headers(*automatic, told_headers(*s.target));
  const bool auto_chooses = reader.auto_wanted() && explicit_hits == 0;
  for (const auto& f : automatic->facts)
    if (auto_chooses || is_response_fact(f.kind)) p.facts.push_back(f.text);
  if (!auto_chooses || automatic->kind == identify::AutoSourceKind::none) {
    if (explicit_hits == 0) p.reason = automatic->reason;
    if (explicit_hits == 0 && is_socketio(s) && !any_acknowledged(set))
      p.reason = "no event was acknowledged (each one failed), so none named a backend";
    else if (explicit_hits == 0 && is_socketio(s))
      p.reason = reader.auto_wanted()
                     ? fmt::format("the acknowledgements named no backend, nor did automatic "
                                   "recognition: {}",
                                   automatic->reason)
                     : unnamed_by_acks(s);
    return p;
  }
  for (auto& r : set.records) {
    if (r.backend != StringTable::kNone || r.session >= automatic->identities.size()) continue;
    const auto& session = automatic->identities[r.session];
    if (r.seq < session.size() && session[r.seq]) r.backend = set.strings.intern(*session[r.seq]);
  }
  auto_chose = true;
  p.identified_by = automatic->source;
  p.confidence = confidence_name(automatic->confidence);
  p.reason = automatic->reason;
  return p;
}

// The backends, as the responses named them, in order of first appearance.
Scenario with_observed_backends(const Scenario& s, const RecordSet& set) {
  Scenario seen = s;
  seen.backends.clear();
  std::map<std::uint32_t, bool> known;
  for (const auto& r : set.records) {
    if (r.backend == StringTable::kNone || known[r.backend]) continue;
    known[r.backend] = true;
    seen.backends.push_back(observed_backend(set.strings.get(r.backend)));
  }
  return seen;
}

// The cookie whose value named the backends: auto's choice, or the first cookie spec given.
std::string identifying_cookie(const TargetSpec& t,
                               const std::optional<identify::AutoIdentification>& automatic,
                               bool auto_chose) {
  if (auto_chose)
    return automatic->kind == identify::AutoSourceKind::header ||
                   automatic->kind == identify::AutoSourceKind::json_field
               ? ""
               : automatic->name;
  for (const auto& spec : t.identify)
    if (spec.starts_with("cookie:")) return spec.substr(7, spec.find(':', 7) - 7);
  return "";
}

// What the session losses say of a candidate cookie.
std::string candidate_tried(const std::string& candidate, long long losses,
                            const LossCanary& canary) {
  if (losses > 0)
    return fmt::format("checked against the session losses: {} requests found their session "
                       "gone although {} stayed the same, so it does not follow the backend "
                       "that holds the session",
                       losses, candidate);
  switch (canary.signal) {
    case identify::LossSignal::live:
      return "checked against the session losses: none was seen although a lost session shows "
             "here (a made-up session id was re-issued), so the sessions stayed where they "
             "are held; that fits a cookie naming the backend, and as well backends that share "
             "their sessions, so it neither confirms it nor refutes it";
    case identify::LossSignal::adopted:
      return "checked against the session losses: none can show here (the application adopts "
             "a made-up session id), so they say nothing of it";
    case identify::LossSignal::untested:
      break;
  }
  return "checked against the session losses: none was seen, which neither confirms nor "
         "refutes it";
}

// One request with a made-up session id, when only it can tell whether the zero losses seen
// mean anything: a session cookie was sent back, none was re-issued, no --lost-when signal.
LossCanary ask_loss_canary(const Scenario& s, const DriverConfig& dc, const ProbeReader& reader,
                           const RecordSet& records, long long losses) {
  const TargetSpec& t = *s.target;
  const CookiePair& sent = reader.sent_back_session_cookie();
  // socket.io's loss is engine.io's own answer, which every node gives: nothing to test; steps
  // send nothing they did not ask for.
  if (!t.lost_when.empty() || sent.name.empty() || losses > 0 || is_socketio(s) ||
      !s.traffic.steps.empty())
    return {};
  if (static_cast<long long>(records.records.size()) >= t.max_requests)
    return untried_canary(sent.name, fmt::format("the request cap, --max-requests {}, was "
                                                 "reached",
                                                 t.max_requests));
  // The rate holds for this request too: it follows the last one by a slot at least.
  if (t.rate > 0) std::this_thread::sleep_for(std::chrono::duration<double>(1.0 / t.rate));
  LossCanaryRequest request;
  request.url = dc.base_url + (dc.paths.empty() ? "/" : dc.paths.front());
  request.client = dc.client;
  request.client.timeout = s.traffic.request_timeout;
  request.user_cookies = t.cookie;
  request.cookie = sent.name;
  request.example = sent.value;
  return try_loss_canary(request);
}

// How a lost session would show, for the report: what the user named, the losses seen, or
// what the made-up id showed.
std::string loss_signal_text(const Scenario& s, const ProbeReader& reader,
                             const LossCanary& canary, long long losses) {
  const TargetSpec& t = *s.target;
  if (is_socketio(s))
    return fmt::format("engine.io's answer to a sid the node does not hold (HTTP 400, \"Session "
                       "ID unknown\"){}",
                       losses > 0 ? fmt::format(", {} times", losses) : "");
  if (!s.traffic.steps.empty()) {
    std::vector<std::string> signs;
    for (const auto& st : s.traffic.steps)
      if (!st.lost_when.empty())
        signs.push_back(fmt::format("{}: {}", st.name, fmt::join(st.lost_when_text, ", ")));
    if (!t.lost_when.empty())
      signs.push_back(fmt::format("--lost-when {}", fmt::join(t.lost_when, ", ")));
    return signs.empty() ? "nothing: no step names a sign of a lost session (lost_when), and "
                           "the ids a scripted login changes are no sign of one"
                         : fmt::format("the steps' own signs (as told): {}", fmt::join(signs, "; "));
  }
  if (!t.lost_when.empty())
    return fmt::format("--lost-when {} (as told)", fmt::join(t.lost_when, ", "));
  const std::string& name = reader.sent_back_session_cookie().name;
  if (name.empty())
    return "nothing: no request sent back a session cookie whose re-issue can be read";
  if (losses > 0)
    return fmt::format("{} re-issued for an id the answering backend did not hold ({} times)",
                       name, losses);
  return fmt::format("{} re-issued for an id the answering backend does not hold: {}", name,
                     canary.said);
}

// How far the identity can be trusted, and what was tried against a candidate.
ProbeJudgement judgement_of(const Scenario& s, const ProbeReader& reader,
                            const std::optional<identify::AutoIdentification>& automatic,
                            bool auto_chose, bool identified, const std::string& probe_source,
                            const ScenarioReport& report, const LossCanary& canary) {
  ProbeJudgement j;
  j.affinity_checked = s.expect.affinity_checked;
  j.identity_misses = reader.explicit_misses();
  j.answers_problem = answers_cause(report.metrics, reader.redirect_example(),
                                    is_socketio(s) ? report.metrics.session_losses : 0);
  j.losses_observable =
      !s.target->lost_when.empty() || is_socketio(s) || steps_sign_losses(s) ||
      (s.traffic.steps.empty() && reader.session_cookie_sent_back() &&
       canary.signal != identify::LossSignal::adopted);
  if (canary.signal == identify::LossSignal::adopted) j.losses_unseen_why = canary.said;
  if (!identified) return j;
  j.strength = IdentityStrength::evidence;
  j.source = probe_source;
  j.sessions = report.metrics.sessions;
  j.one_request = s.traffic.requests_per_session < 2;
  if (!could_show_a_move(report.metrics, j.one_request)) {
    j.strength = IdentityStrength::single;
    if (!report.metrics.backends.empty()) j.only_value = report.metrics.backends.begin()->first;
    return j;
  }
  if (!auto_chose || automatic->kind != identify::AutoSourceKind::behaviour_cookie) return j;
  j.strength = IdentityStrength::candidate;
  j.candidate = automatic->name;
  const auto losses = report.metrics.session_losses;
  j.candidate_tried = candidate_tried(j.candidate, losses, canary);
  return j;
}

}  // namespace

std::string probe_plan(const Scenario& s) {
  const TargetSpec& t = *s.target;
  TrafficSpec mine = s.traffic;  // this shard's sessions (all of them unsharded)
  mine.sessions = shard_sessions(s.traffic.sessions, s.shard);
  const long long requests = probe_http_requests(mine);
  // The pauses bound the duration too: `concurrency` sessions at a time, each pausing on
  // average `pause` between two of its requests.
  const double pause_s = std::chrono::duration<double>(s.traffic.pause).count();
  const double waves = std::ceil(static_cast<double>(mine.sessions) /
                                 static_cast<double>(std::max(1, s.traffic.concurrency)));
  const double seconds =
      std::max(static_cast<double>(requests) / t.rate,
               waves * static_cast<double>(s.traffic.requests_per_session - 1) * pause_s);
  std::string out =
      is_socketio(s)
          ? fmt::format("probe {}: {} socket.io sessions x {} events = at most {} HTTP requests "
                        "(cap {}), {} at a time, at most {} per second: about {:.0f} s\n",
                        t.url, mine.sessions, s.traffic.requests_per_session, requests,
                        t.max_requests, s.traffic.concurrency, t.rate, seconds)
          : fmt::format("probe {}: {} sessions x {} requests = {} requests (cap {}), {} at a "
                        "time, at most {} per second: about {:.0f} s\n",
                        t.url, mine.sessions, s.traffic.requests_per_session, requests,
                        t.max_requests, s.traffic.concurrency, t.rate, seconds);
  if (!s.shard.whole())
    out += fmt::format(
        "  shard {}/{}: the {} of the test's {} sessions whose index is {} modulo {}; the "
        "concurrency, rate and cap above are this shard's share\n",
        s.shard.index, s.shard.count, mine.sessions, s.traffic.sessions, s.shard.index,
        s.shard.count);
  if (s.traffic.pause.count() > 0)
    out += fmt::format(
        "  pause: {} ms on average between a session's requests, each drawn from "
        "[0, {} ms]\n",
        s.traffic.pause.count(), 2 * s.traffic.pause.count());
  if (!is_socketio(s) && s.traffic.steps.empty())
    out += fmt::format("  paths: {}\n", fmt::join(t.paths, ", "));
  out += fmt::format("  User-Agent: {}\n", t.user_agent);
  for (const auto& h : t.headers) out += fmt::format("  {}\n", h);
  if (!t.cookie.empty()) out += fmt::format("  Cookie (first request): {}\n", t.cookie);
  out += fmt::format("  identify: {}\n", t.identify.empty()
                                             ? std::string("auto")
                                             : fmt::format("{}", fmt::join(t.identify, ", ")));
  if (!t.lost_when.empty()) out += fmt::format("  lost when: {}\n", fmt::join(t.lost_when, ", "));
  if (is_socketio(s))
    out += fmt::format(
        "  socket.io at {} over {}: each event acknowledged (a POST and a poll over HTTP, or "
        "WebSocket frames); each session also connects, answers pings and closes\n",
        s.traffic.socketio_path, to_string(s.traffic.transports));
  for (const auto& st : s.traffic.steps)
    out += fmt::format("  step {}: {} {}{}{}\n", st.name, to_string(st.method), st.path,
                       st.repeat > 1 ? fmt::format(" x {}", st.repeat) : "",
                       st.follow ? fmt::format(" (redirects followed, at most {})", kMaxStepHops)
                                 : "");
  if (!s.traffic.users.empty())
    out += fmt::format("  users: {} rows of {}, the first {}\n", s.traffic.users.size(),
                       s.traffic.users_file, user_label(s.traffic.users.front()));
  for (const auto& r : t.resolve) out += fmt::format("  resolve: {}\n", r);
  if (t.insecure) out += "  TLS certificates are NOT checked (--insecure)\n";
  const bool follows = std::any_of(s.traffic.steps.begin(), s.traffic.steps.end(),
                                   [](const StepSpec& st) { return st.follow; });
  out += follows ? "  redirects are followed only by the steps that say so (on this site, at most 10 "
                   "each; counted in the cap); a 429/503 with Retry-After holds every session\n"
                 : "  redirects are not followed; a 429/503 with Retry-After holds every session\n";
  if (t.lost_when.empty() && !is_socketio(s) && s.traffic.steps.empty())
    out += "  then, if a session cookie was sent back and never re-issued: 1 request with a "
           "made-up session id, to see whether a lost session would show\n";
  return out;
}

ScenarioReport run_probe(const Scenario& s, const RunContext& ctx) {
  ScenarioReport report;
  Stopwatch clock;
  const TargetSpec& t = *s.target;
  const DriverConfig dc = probe_driver_config(s, ctx);
  const std::string unreachable = check_reachable(t.url, s.traffic.request_timeout, dc.client);
  std::string failure =
      unreachable.empty() ? "" : fmt::format("{} cannot be reached: {}", t.url, unreachable);
  ProbeReader reader = make_reader(s);
  RecordSet records;
  report.timings.startup_s = clock.lap();
  if (failure.empty()) {
    if (ctx.status) ctx.status(fmt::format("{}: probing {}", s.name, t.url));
    DriverHooks hooks;
    hooks.should_stop = [&]() -> std::string {
      return ctx.interrupted && ctx.interrupted() ? "interrupted" : "";
    };
    hooks.progress = ctx.progress;
    auto outcome = drive(dc, reader, hooks);
    records = std::move(outcome.records);
    report.started_unix_us = outcome.started_unix_us;
    failure = outcome.setup_error.empty() ? outcome.stop_reason : outcome.setup_error;
  }
  report.timings.traffic_s = clock.lap();
  pad_socketio_observations(s, records, reader);
  std::optional<identify::AutoIdentification> automatic;
  bool auto_chose = false;
  ProbeSummary probe = identify_backends(s, reader, records, automatic, auto_chose);
  const Scenario seen = with_observed_backends(s, records);
  report.cookies =
      cookie_observations(reader.tally(), identifying_cookie(t, automatic, auto_chose));
  if (seen.backends.empty() && probe.identified_by.empty()) probe.identified_by = "none";
  compute_figures(seen, records, {}, report);
  const LossCanary canary =
      failure.empty()
          ? ask_loss_canary(s, dc, reader, records, report.metrics.session_losses)
          : LossCanary{};
  probe.loss_signal = loss_signal_text(s, reader, canary, report.metrics.session_losses);
  ProbeEvidence evidence{
      records, reader, automatic ? &*automatic : nullptr, auto_chose, {}, true, 0, {}, false, 0,
      {},      0};
  evidence.url = {t.url.substr(0, t.url.find(':')), url_host(t.url), t.paths};
  evidence.sticky = report.metrics.sticky_sessions == report.metrics.sessions;
  evidence.session_losses = report.metrics.session_losses;
  evidence.unreachable = unreachable;
  evidence.most_failed = report.metrics.requests > 0 &&
                         report.metrics.errors * 2 > report.metrics.requests;
  evidence.losses_allowed = probe_losses_allowed(s.expect);
  evidence.lost_when = lost_when_said(s);
  evidence.max_consecutive_errors = t.max_consecutive_errors;
  evidence.socketio = is_socketio(s);
  ProbeJudgement judgement =
      judgement_of(s, reader, automatic, auto_chose, !seen.backends.empty(), probe.identified_by,
                   report, canary);
  judgement.losses_seen_as = losses_seen_as(evidence);
  auto diagnosis = diagnose_probe_in_full(evidence);
  judgement.losses_explained = diagnosis.losses_explained;
  auto causes = diagnosis.causes;
  // The losses cause counts this run's losses: a merge of shards says it again from theirs.
  report.outside_causes = std::move(diagnosis.causes);
  if (!diagnosis.losses_cause.empty()) std::erase(report.outside_causes, diagnosis.losses_cause);
  if (!judgement.answers_problem.empty())
    causes.insert(causes.begin(), judgement.answers_problem);
  // Its checks are judged without a run's evidence; the redirect is what answers_cause quotes.
  report.evidence.redirect_example = reader.redirect_example();
  report.judgement = judgement;
  report.fingerprint = scenario_fingerprint(s);
  judge(seen, failure, false, causes, report);
  if (report.verdict != ScenarioVerdict::kError) {
    settle_probe_checks(report.evaluation, judgement);
    report.verdict = verdict_of(report.evaluation);
  }
  report.scenario = seen;
  report.scenario.traffic.threads = dc.threads;  // as run
  report.probe = std::move(probe);
  // Identification, figures, the made-up session id's request, checks, diagnosis.
  report.timings.checks_s = clock.lap();
  report.timings.peak_rss_bytes = peak_rss_bytes();
  report.duration_s = clock.total();
  return report;
}

}  // namespace sc
