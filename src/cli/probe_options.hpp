#pragma once
// `stickycheck probe`'s options, and the scenario they stand for. The options are written as
// a scenario document and read by the scenario parser, so the command line and a `target:`
// section accept exactly the same values, and a bad value is named by its option.
#include <CLI/CLI.hpp>
#include <map>
#include <string>
#include <vector>

#include "cli/execute.hpp"
#include "scenario/scenario.hpp"
#include "scenario/scenario_parser.hpp"
#include "util/result.hpp"

namespace sc::cli {

struct ProbeArgs {
  std::string url;
  long long sessions = kProbeSessions, requests_per_session = kProbeRequestsPerSession,
            concurrency = kProbeConcurrency;
  std::vector<std::string> paths, headers, identify, lost_when, resolve, transports;
  std::string cookie, user_agent, session_cookie, expect, cacert, pause, protocol = "http",
                                                                        socketio_path;
  double rate = 20, min_sticky_share = 0.999, max_error_rate = 0, alpha = 0.01;
  long long max_requests = 2000, max_session_losses = 0, max_consecutive_errors = 20;
  bool insecure = false, no_http2 = false, show_addresses = false, dry_run = false;
  std::string steps_file, users_file;  // --steps (a YAML list of steps), --users (a CSV file)
  bool users_unique = false;
  ShardArgs shard;  // --shard I/N, --run-id: not part of the scenario (nor its fingerprint)
  OutputArgs output;
  std::map<std::string, CLI::Option*> given;  // scenario key -> its option
};

// The URL, the target's, traffic and expect options (not --dry-run or the outputs).
void add_probe_options(CLI::App* cmd, ProbeArgs& a);

// The scenario the options stand for; else one line per bad value, each naming its option
// ("--pause: expected a duration such as 500ms or 5s ...").
Result<Scenario> probe_scenario(const ProbeArgs& a);

// "(command line):4:9: target.headers[0]: expected ..." -> "--header: expected ...".
std::string as_option_error(const ProbeArgs& a, const std::string& line);

}  // namespace sc::cli
