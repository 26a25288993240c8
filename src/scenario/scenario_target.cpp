#include <fmt/format.h>

#include <boost/url/parse.hpp>

#include "cookie/cookie_pairs.hpp"
#include "identify/identify_spec.hpp"
#include "scenario/scenario_parser.hpp"
#include "scenario/scenario_sections.hpp"
#include "util/text.hpp"

namespace sc {

namespace {

const std::vector<std::string> kTargetKeys = {"url",
                                              "paths",
                                              "headers",
                                              "cookie",
                                              "user_agent",
                                              "identify",
                                              "lost_when",
                                              "session_cookie",
                                              "rate",
                                              "max_requests",
                                              "max_consecutive_errors",
                                              "cacert",
                                              "insecure",
                                              "resolve",
                                              "http2",
                                              "show_addresses",
                                              "steps"};

// One string or a list of strings.
void read_strings(NodeReader& r, const YAML::Node& n, const std::string& key,
                  std::vector<std::string>& out) {
  const YAML::Node v = n[key];
  if (!v) return;
  out.clear();
  if (v.IsScalar()) {
    out.push_back(v.Scalar());
    return;
  }
  if (!v.IsSequence()) {
    r.error(v.Mark(), "target." + key, "expected a string or a list of strings");
    return;
  }
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!v[i].IsScalar()) {
      r.error(v[i].Mark(), fmt::format("target.{}[{}]", key, i), "expected a string");
      continue;
    }
    out.push_back(v[i].Scalar());
  }
}

bool has_control(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}

// http(s)://HOST[:PORT][/PATH]; the path, when given, becomes the first path.
void check_url(NodeReader& r, const YAML::Node& at, TargetSpec& t, bool paths_given) {
  auto u = boost::urls::parse_absolute_uri(t.url);
  const std::string expected =
      "expected an http:// or https:// URL such as "
      "https://staging.example.com/, got '" +
      t.url + "'";
  if (!u || has_control(t.url)) return r.error(at.Mark(), "target.url", expected);
  const std::string scheme = to_lower(u->scheme());
  if ((scheme != "http" && scheme != "https") || u->encoded_host().empty())
    return r.error(at.Mark(), "target.url", expected);
  if (u->has_userinfo())
    return r.error(at.Mark(), "target.url",
                   "credentials in the URL would be sent to every backend; use headers: "
                   "['Authorization: ...'] instead");
  std::string path(u->encoded_path());
  if (u->has_query()) path += "?" + std::string(u->encoded_query());
  if (!paths_given && !path.empty()) t.paths = {path};
  t.url = fmt::format("{}://{}", scheme, std::string(u->encoded_authority()));
}

void check_paths(NodeReader& r, const YAML::Node& n, const TargetSpec& t) {
  for (std::size_t i = 0; i < t.paths.size(); ++i)
    if (t.paths[i].empty() || t.paths[i][0] != '/' || has_control(t.paths[i]) ||
        t.paths[i].find(' ') != std::string::npos)
      r.error(
          n["paths"].Mark(), fmt::format("target.paths[{}]", i),
          fmt::format("expected a path starting with '/' without blanks, got '{}'", printable(t.paths[i])));
}

void check_headers(NodeReader& r, const YAML::Node& n, const TargetSpec& t) {
  for (std::size_t i = 0; i < t.headers.size(); ++i) {
    const std::string& h = t.headers[i];
    const auto colon = h.find(':');
    const bool ok = colon != std::string::npos && is_http_token(h.substr(0, colon)) &&
                    !has_control(h.substr(colon + 1));
    if (!ok)
      r.error(n["headers"].Mark(), fmt::format("target.headers[{}]", i),
              fmt::format("expected 'Name: value' (a token name, no control characters), got "
                          "'{}'",
                          printable(h)));
  }
}

void check_cookie(NodeReader& r, const YAML::Node& n, const TargetSpec& t) {
  if (t.cookie.empty()) return;
  auto pairs = parse_cookie_header(t.cookie);
  bool ok = !pairs.empty() && !has_control(t.cookie);
  for (const auto& p : pairs) ok = ok && is_http_token(p.name);
  if (!ok)
    r.error(n["cookie"].Mark(), "target.cookie",
            fmt::format("expected cookies as a browser sends them, 'NAME=value; NAME2=value2', "
                        "got '{}'",
                        printable(t.cookie)));
}

void check_specs(NodeReader& r, const YAML::Node& n, const TargetSpec& t) {
  if (auto ids = identify::parse_identify_specs(t.identify); !ids)
    r.error(n["identify"].Mark(), "target.identify", ids.error().message);
  if (auto lost = identify::parse_lost_when_specs(t.lost_when); !lost)
    r.error(n["lost_when"].Mark(), "target.lost_when", lost.error().message);
  if (!t.session_cookie.empty() && !is_http_token(t.session_cookie))
    r.error(n["session_cookie"].Mark(), "target.session_cookie",
            "expected a cookie name (a token: letters, digits and !#$%&'*+-.^_`|~)");
  for (std::size_t i = 0; i < t.resolve.size(); ++i)
    if (split(t.resolve[i], ':').size() < 3 || has_control(t.resolve[i]))
      r.error(n["resolve"].Mark(), fmt::format("target.resolve[{}]", i),
              fmt::format("expected HOST:PORT:ADDRESS, e.g. staging.example.com:443:10.0.0.7, "
                          "got '{}'",
                          printable(t.resolve[i])));
}

}  // namespace

void read_target(NodeReader& r, const YAML::Node& root, Scenario& s) {
  const YAML::Node n = root["target"];
  if (!n || !r.expect_map(n, "target")) return;
  r.check_keys(n, "target", kTargetKeys);
  TargetSpec& t = s.target.emplace();
  r.read_string(n, "url", "target", t.url);
  read_strings(r, n, "paths", t.paths);
  read_strings(r, n, "headers", t.headers);
  r.read_string(n, "cookie", "target", t.cookie);
  r.read_string(n, "user_agent", "target", t.user_agent);
  read_strings(r, n, "identify", t.identify);
  read_strings(r, n, "lost_when", t.lost_when);
  r.read_string(n, "session_cookie", "target", t.session_cookie);
  r.read_double(n, "rate", "target", 0.01, 10000, t.rate);
  r.read_int(n, "max_requests", "target", 1, 100'000'000, t.max_requests);
  r.read_int(n, "max_consecutive_errors", "target", 0, 1'000'000, t.max_consecutive_errors);
  r.read_string(n, "cacert", "target", t.cacert);
  r.read_bool(n, "insecure", "target", t.insecure);
  read_strings(r, n, "resolve", t.resolve);
  r.read_bool(n, "http2", "target", t.http2);
  r.read_bool(n, "show_addresses", "target", t.show_addresses);
  if (n["steps"]) {
    s.traffic.steps_mark = mark_of(n["steps"]);
    read_steps(r, n["steps"], "target.steps", s.traffic.steps);
  }
  if (!n["url"])
    r.error(n.Mark(), "target.url", "missing; expected the URL of the deployment to probe");
  else
    check_url(r, n["url"], t, static_cast<bool>(n["paths"]));
  check_paths(r, n, t);
  check_headers(r, n, t);
  check_cookie(r, n, t);
  check_specs(r, n, t);
  if (has_control(t.user_agent))
    r.error(n["user_agent"].Mark(), "target.user_agent", "expected no control characters");
}

namespace {

// A probe's socket.io sessions: the backend is named by an acknowledgement (nothing in an
// HTTP answer of a poll can be tied to one event), a loss is engine.io's own "Session ID
// unknown", and the real-time client speaks plain http:// without custom headers.
void check_socketio_target(NodeReader& r, const YAML::Node& n, const TargetSpec& t) {
  auto specs = identify::parse_identify_specs(t.identify);
  const bool ack_first = specs && specs->front().kind == identify::IdentifyKind::ack;
  const bool then_auto = specs && specs->size() == 2 &&
                         specs->back().kind == identify::IdentifyKind::automatic;
  if (specs && (!ack_first || (specs->size() != 1 && !then_auto)))
    r.error(n["identify"] ? n["identify"].Mark() : n.Mark(), "target.identify",
            "expected ack:EVENT[:/POINTER] with protocol socket.io, then auto if the affinity "
            "cookie should name the backends: the event each request emits with an "
            "acknowledgement (e.g. ack:whoami)");
  if (!t.lost_when.empty())
    r.error(n["lost_when"].Mark(), "target.lost_when",
            "expected none with protocol socket.io: a lost session is engine.io's own answer "
            "to an unknown sid (HTTP 400, \"Session ID unknown\"), counted always");
  if (n["url"] && !t.url.starts_with("http://"))
    r.error(n["url"].Mark(), "target.url",
            "expected an http:// URL with protocol socket.io (its sessions are not driven over "
            "https yet)");
  if (!t.headers.empty())
    r.error(n["headers"].Mark(), "target.headers",
            "expected none with protocol socket.io (its client sends no custom headers yet)");
  if (!t.resolve.empty())
    r.error(n["resolve"].Mark(), "target.resolve",
            "expected none with protocol socket.io (its client does not pin names yet)");
  if (n["steps"])
    r.error(n["steps"].Mark(), "target.steps",
            "expected none with protocol socket.io: steps are HTTP requests");
}

}  // namespace

void check_target_protocol(NodeReader& r, const YAML::Node& root, const Scenario& s) {
  if (!s.target) return;
  const YAML::Node n = root["target"];
  const YAML::Node protocol = root["traffic"] ? root["traffic"]["protocol"] : YAML::Node();
  if (s.traffic.protocol == SessionProtocol::kWebSocket)
    r.error(protocol.Mark(), "traffic.protocol",
            "expected http or socket.io for a probe (a WebSocket echo is what stickycheck's own "
            "backends answer, not a deployment's)");
  else if (s.traffic.protocol == SessionProtocol::kSocketIo)
    check_socketio_target(r, n, *s.target);
  else if (auto specs = identify::parse_identify_specs(s.target->identify);
           specs && identify::find_ack_spec(*specs))
    r.error(n["identify"].Mark(), "target.identify",
            "expected ack:EVENT only with protocol socket.io (an acknowledgement is a "
            "socket.io answer)");
}

long long probe_http_requests(const TrafficSpec& t) {
  // A step that follows redirects may send a hop after each of its requests (at most
  // kMaxStepHops): counted as sent, so the cap holds whatever the site answers.
  long long hops = 0;
  for (const auto& st : t.steps)
    if (st.follow) hops += static_cast<long long>(st.repeat) * kMaxStepHops;
  const long long events = t.requests_per_session + hops;
  const long long per_session =
      t.protocol == SessionProtocol::kSocketIo ? kSocketIoRequestsPerEvent * events +
                                                     kSocketIoRequestsPerSession
                                               : events;
  return static_cast<long long>(t.sessions) * per_session;
}

void check_target_budget(NodeReader& r, const YAML::Node& root, const Scenario& s) {
  if (!s.target) return;
  const long long planned = probe_http_requests(s.traffic);
  if (planned <= s.target->max_requests) return;
  const YAML::Node at =
      root["target"]["max_requests"] ? root["target"]["max_requests"] : root["target"];
  const std::string how =
      s.traffic.protocol == SessionProtocol::kSocketIo
          ? fmt::format("{} sessions x ({} x {} events + {}): each event a POST and a poll, each "
                        "session its handshake, connect, first poll, upgrade and close",
                        s.traffic.sessions, kSocketIoRequestsPerEvent,
                        s.traffic.requests_per_session, kSocketIoRequestsPerSession)
          : fmt::format("{} sessions x {}", s.traffic.sessions, s.traffic.requests_per_session);
  r.error(at.Mark(), "target.max_requests",
          fmt::format("the probe would send {} requests ({}), more than the cap of {}; lower the "
                      "sessions or the requests per session, or raise the cap",
                      planned, how, s.target->max_requests));
}

}  // namespace sc
