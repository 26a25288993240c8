#pragma once
// Causes a probe can give from the outside: what the cookies, the Server header and the
// answers over time show, besides what the figures show (checks/diagnosis.cpp). Pure.
#include <string>
#include <vector>

#include "driver/records.hpp"
#include "identify/auto_identify.hpp"
#include "identify/cookie_hygiene.hpp"
#include "probe/probe_reader.hpp"
#include "scenario/scenario.hpp"

namespace sc {

struct ProbeEvidence {
  const RecordSet& records;
  const ProbeReader& reader;
  // Automatic recognition's view of the cookies; `auto_chose`: its source named the backends
  // (else only its facts about the cookies are causes, not those about its own outcome).
  const identify::AutoIdentification* automatic = nullptr;
  bool auto_chose = false;
  identify::ProbedUrl url;
  bool sticky = true;  // every identified session stayed on one backend
  long long session_losses = 0;
  std::string unreachable;  // the first request's transport error: the site was never reached
  bool most_failed = false;  // most requests got no answer: cookies show nothing
  long long losses_allowed = 0;  // losses beyond this many are a finding with their cause
  // The signs the user named ("--lost-when json:/new=true", "lost_when of account:
  // redirect:/login"); "" when none.
  std::string lost_when;
  int max_consecutive_errors = 0;  // the traffic stops after this many transport errors in a row
  // socket.io sessions: a loss is engine.io's "Session ID unknown", which the scenario's own
  // diagnosis explains with its remedies; no session cookie is involved.
  bool socketio = false;
};

// How the probe saw a loss ("the server set a new PHPSESSID on requests that sent one", or
// the user's --lost-when sign), and the losses cause's words for `losses` such requests:
// what a merge of shards says again from the merged count.
std::string losses_seen_as(const ProbeEvidence& e);
std::string losses_said(long long losses, const std::string& seen_as);
// The losses a probe allows before they are a finding (none unless told; unlimited for a
// negative control not told a limit), as check_losses judges them.
long long probe_losses_allowed(const ExpectSpec& expect);

// In order of weight: the member that went away, the Apache route story, the session losses
// (whatever told the backends apart), what auto identification found about the cookies, then
// the cookies' attributes.
std::vector<std::string> diagnose_probe(const ProbeEvidence& e);

// The same, with what a merge of shards needs to say the losses cause again from their count.
struct ProbeDiagnosis {
  std::vector<std::string> causes;  // diagnose_probe's
  std::string losses_cause;         // the losses cause among them, "" when not said
  // A cause of more weight (a member gone, the Apache route story, a route not followed, a
  // finer source's fact) explains the losses, so the losses cause is not said.
  bool losses_explained = false;
};
ProbeDiagnosis diagnose_probe_in_full(const ProbeEvidence& e);

// A transport failure (refused, DNS, TLS, timeout) said as a cause, with what to try:
// --cacert/--insecure for a certificate, --resolve for a name.
std::string transport_cause(const std::string& error);

// The transport error that stopped the traffic after a successful connect (`limit` failures
// in a row end the records: a hung server's timeouts, a site that went down) said as a cause,
// with the answers that came before; "" when the records did not end that way.
std::string transport_stop_cause(const RecordSet& records, int limit);

// Facts about the cookies and headers themselves (not about automatic recognition's own
// outcome).
bool is_response_fact(identify::AutoFactKind kind);

// "from 2.1 s on, 40 requests failed (503 or no answer) and www2 answered none": a member
// that went away while sessions were still pinned to it. Empty when the records show none.
std::string member_gone_cause(const RecordSet& records);

// "a member stopped answering and came back (www2 from 1.0 s to 2.5 s): ...": a backend's
// answers stopped for ten times their usual spacing (a second at least) and resumed, while
// its sessions were answered elsewhere or requests failed. Empty when the records show none.
std::string member_flapped_cause(const RecordSet& records);

}  // namespace sc
