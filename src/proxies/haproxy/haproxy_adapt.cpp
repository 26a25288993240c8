// HAProxy: a haproxy.cfg as it ships, run in the foreground (`haproxy -f FILE -db`).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdint>
#include <set>

#include "proxies/adapt_parts.hpp"
#include "proxies/haproxy/haproxy_syntax.hpp"
#include "util/text.hpp"

namespace sc::adapt {

namespace {
// Named: a unity build compiles the adapters together, one anonymous namespace for all.
namespace haproxy_conf {

struct HaproxyScan {
  std::vector<FoundMember> members;       // the servers of the pool the run goes to
  std::vector<std::size_t> binds;         // in the first frontend or listen section
  std::vector<std::size_t> other_binds;   // in later ones
  std::size_t first_frontend = SIZE_MAX;  // its header line
  haproxy::PoolChoice pool;
  bool tls = false;  // the bind kept speaks TLS
};

HaproxyScan scan(const haproxy::Config& c, std::string_view path) {
  HaproxyScan s;
  s.pool = haproxy::choose_pool(c, path);
  for (const auto& sec : c.sections) {
    const bool front = sec.kind == "frontend" || sec.kind == "listen";
    if (front && s.first_frontend == SIZE_MAX) s.first_frontend = sec.line - 1;
    for (const auto& l : sec.lines) {
      if (front && l.word(0) == "bind")
        (&sec == s.pool.frontend ? s.binds : s.other_binds).push_back(l.line - 1);
      // Only the servers of the pool the traffic reaches stand for the scenario's backends.
      if (l.word(0) == "server" && l.words.size() > 2 && &sec == s.pool.pool)
        if (auto a = member_address(l.words[2]); !a.written.empty())
          s.members.push_back({l.line - 1, a});
    }
  }
  return s;
}

// Which pool the run's traffic reaches, and the others the frontend names (left as written).
void note_pool(const HaproxyScan& s, const AdaptInput& in, std::vector<std::string>& notes) {
  if (!s.pool.pool || s.pool.others.empty()) return;
  std::string others;
  for (const auto& o : s.pool.others) others += (others.empty() ? "" : ", ") + o;
  notes.push_back(located(in, s.pool.pool->line - 1,
                          fmt::format("the sessions ({}) reach {}; the other pools are left as "
                                      "written: {}",
                                      in.path, s.pool.why, others)));
}

bool tls_bind(const std::vector<std::string>& w) {
  return std::find(w.begin(), w.end(), "ssl") != w.end();
}

// The bind options that only shape TLS (protocols, ciphers, ALPN) and so stay; any other
// (ca-file and verify, which would ask for client certificates; accept-proxy; interface,
// namespace, user...) is left out with a note: the run's clients cannot meet it, or it names
// a file or a host the run does not have.
bool kept_tls_option(std::string_view w) {
  static constexpr std::string_view kKept[] = {"ssl",          "alpn",        "npn",
                                               "ciphers",      "ciphersuites", "curves",
                                               "ecdhe",        "ssl-min-ver", "ssl-max-ver",
                                               "allow-0rtt",   "prefer-client-ciphers"};
  for (auto k : kKept)
    if (w == k) return true;
  return w.starts_with("no-") || w.starts_with("force-");
}

// Whether a bind option takes a value (the next word).
bool takes_value(std::string_view w) {
  return w != "ssl" && w != "allow-0rtt" && w != "prefer-client-ciphers" &&
         !w.starts_with("no-") && !w.starts_with("force-") && w != "accept-proxy" &&
         w != "transparent" && w != "v4v6" && w != "v6only" && w != "tfo" && w != "defer-accept" &&
         w != "strict-sni" && w != "quic-force-retry";
}

// `bind ADDR ssl crt FILE ...` with the run's address and certificate (cert and key in one
// PEM, as HAProxy reads them): the user's certificate files are never read.
std::string tls_bind_line(const std::vector<std::string>& w, const AdaptInput& in,
                          std::size_t i, std::vector<std::string>& notes) {
  std::string out = "bind " + in.listen;
  bool crt = false;
  std::vector<std::string> dropped;
  for (std::size_t k = 2; k < w.size(); ++k) {
    if (w[k].starts_with('#')) break;
    const bool valued = takes_value(w[k]) && k + 1 < w.size();
    if (w[k] == "crt" || w[k] == "crt-list") {
      notes.push_back(located(in, i,
                              fmt::format("{} {} -> crt {} (a certificate made for this run)",
                                          w[k], valued ? w[k + 1] : "", path_word(in.tls_bundle))));
      if (!crt) out += " crt " + path_word(in.tls_bundle);
      crt = true;
    } else if (kept_tls_option(w[k])) {
      out += " " + w[k] + (valued ? " " + w[k + 1] : "");
    } else {
      dropped.push_back(w[k] + (valued ? " " + w[k + 1] : ""));
    }
    if (valued) ++k;
  }
  if (!dropped.empty())
    notes.push_back(located(in, i,
                            fmt::format("bind options left out for the run: {}",
                                        fmt::join(dropped, ", "))));
  if (!crt) out += " crt " + path_word(in.tls_bundle);
  notes.push_back(located(in, i, fmt::format("bind {} -> bind {} (TLS)", w.size() > 1 ? w[1] : "",
                                             in.listen)));
  return out;
}

// Only the chosen frontend (or listen section) binds, to the address stickycheck chose.
Status bind_listen(Lines& l, HaproxyScan& s, const AdaptInput& in,
                   std::vector<std::string>& notes) {
  if (s.first_frontend == SIZE_MAX)
    return Error{
        fmt::format("{}: no frontend or listen section, so nothing binds the address "
                    "stickycheck gives the proxy; add one with `bind {{{{listen}}}}`",
                    in.file)};
  // The bind the run keeps: the first that speaks TLS (a port 80 beside it only redirects
  // to it), else the first.
  std::size_t keep = 0;
  for (std::size_t k = s.binds.size(); k-- > 0;)
    if (tls_bind(words(l.lines[s.binds[k]]))) keep = k;
  for (std::size_t k = 0; k < s.binds.size(); ++k) {
    const auto i = s.binds[k];
    const auto w = words(l.lines[i]);
    if (k == keep && tls_bind(w)) {
      s.tls = true;
      l.lines[i] = indent_of(l.lines[i]) + tls_bind_line(w, in, i, notes);
    } else if (k == keep && w.size() > 1 && w[1] == in.listen) {
      continue;
    } else if (k == keep) {
      l.lines[i] = indent_of(l.lines[i]) + "bind " + in.listen;
      notes.push_back(
          located(in, i, fmt::format("bind {} -> bind {}", w.size() > 1 ? w[1] : "", in.listen)));
    } else {
      l.lines[i] = commented(l.lines[i]);
      notes.push_back(located(in, i, "another bind left out: the run listens on one address"));
    }
  }
  for (const auto i : s.other_binds) {
    l.lines[i] = commented(l.lines[i]);
    notes.push_back(located(in, i,
                            "another frontend's bind left out: the run listens on one "
                            "address"));
  }
  if (s.binds.empty()) {
    const auto at = s.pool.frontend ? s.pool.frontend->line - 1 : s.first_frontend;
    l.lines.insert(l.lines.begin() + static_cast<long>(at) + 1, "  bind " + in.listen);
    notes.push_back(located(in, at, "added bind " + in.listen));
  }
  return ok_status();
}

// Files HAProxy writes (pid file, admin socket) go to the runtime directory; a chroot is
// left out (the runtime paths are outside it).
void place_files(Lines& l, const AdaptInput& in, std::vector<std::string>& notes) {
  for (std::size_t i = 0; i < l.lines.size(); ++i) {
    const auto d = directive(l.lines[i]);
    const auto w = words(l.lines[i]);
    if (d == "pidfile" && w.size() > 1 && outside_runtime(w[1], in)) {
      const std::string to = path_word(in.runtime_dir + "/haproxy.pid");
      l.lines[i] = replace_once(l.lines[i], w[1], to);
      notes.push_back(located(in, i, fmt::format("pidfile {} -> {}", w[1], to)));
    } else if (d == "stats" && w.size() > 2 && to_lower(w[1]) == "socket" &&
               outside_runtime(w[2], in)) {
      const std::string to = path_word(in.runtime_dir + "/haproxy.sock");
      l.lines[i] = replace_once(l.lines[i], w[2], to);
      notes.push_back(located(in, i, fmt::format("stats socket {} -> {}", w[2], to)));
    } else if (d == "chroot" || d == "daemon") {
      l.lines[i] = commented(l.lines[i]);
      notes.push_back(located(in, i,
                              fmt::format("{} left out: the run keeps HAProxy in the "
                                          "foreground with its files in the runtime "
                                          "directory",
                                          w[0])));
    }
  }
}

}  // namespace haproxy_conf
}  // namespace

std::vector<FoundMember> haproxy_members(std::string_view text, std::string_view path) {
  using namespace haproxy_conf;
  const auto config = haproxy::parse(text);
  return scan(config, path).members;
}

Result<Adapted> adapt_haproxy(std::string_view text, const AdaptInput& in) {
  using namespace haproxy_conf;
  Lines l = split_lines(text);
  const auto config = haproxy::parse(text);  // the scan points into it
  HaproxyScan s = scan(config, in.path);
  Adapted out;
  if (s.first_frontend == SIZE_MAX)
    return Error{
        fmt::format("{}: no frontend or listen section, so nothing binds the address "
                    "stickycheck gives the proxy; add one with `bind {{{{listen}}}}`",
                    in.file)};
  note_pool(s, in, out.notes);
  if (auto st = remap_members(l, s.members, in, "servers", out.notes); !st) return st.error();
  place_files(l, in, out.notes);
  if (auto bound = bind_listen(l, s, in, out.notes); !bound) return bound.error();
  out.text = join_lines(l);
  out.keeps_lines = !s.binds.empty();  // an added bind would move the lines after it
  out.tls = out.tls_bundle = s.tls;
  return out;
}

}  // namespace sc::adapt
