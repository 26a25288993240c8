// HAProxy: a haproxy.cfg as it ships, run in the foreground (`haproxy -f FILE -db`).
#include <fmt/format.h>

#include <cstdint>
#include <set>

#include "proxies/adapt_parts.hpp"
#include "util/text.hpp"

namespace sc::adapt {

namespace {
// Named: a unity build compiles the adapters together, one anonymous namespace for all.
namespace haproxy_conf {

const std::set<std::string> kSections = {"global",      "defaults", "frontend", "backend", "listen",
                                         "resolvers",   "peers",    "userlist", "program", "cache",
                                         "http-errors", "ring",     "mailers"};

struct HaproxyScan {
  std::vector<FoundMember> members;
  std::vector<std::size_t> binds;         // in the first frontend or listen section
  std::vector<std::size_t> other_binds;   // in later ones
  std::size_t first_frontend = SIZE_MAX;  // its header line
};

HaproxyScan scan(const Lines& l) {
  HaproxyScan s;
  std::string section;
  int frontends = 0;  // frontend and listen sections so far
  for (std::size_t i = 0; i < l.lines.size(); ++i) {
    const auto d = directive(l.lines[i]);
    if (d.empty()) continue;
    const auto w = words(l.lines[i]);
    if (kSections.contains(d)) {
      section = d;
      if ((d == "frontend" || d == "listen") && ++frontends == 1) s.first_frontend = i;
      continue;
    }
    if (d == "bind" && (section == "frontend" || section == "listen"))
      (frontends == 1 ? s.binds : s.other_binds).push_back(i);
    if (d == "server" && w.size() > 2 && (section == "backend" || section == "listen"))
      if (auto a = member_address(w[2]); !a.written.empty()) s.members.push_back({i, a});
  }
  return s;
}

// Only the first frontend (or listen section) binds, to the address stickycheck chose.
Status bind_listen(Lines& l, HaproxyScan& s, const AdaptInput& in,
                   std::vector<std::string>& notes) {
  if (s.first_frontend == SIZE_MAX)
    return Error{
        fmt::format("{}: no frontend or listen section, so nothing binds the address "
                    "stickycheck gives the proxy; add one with `bind {{{{listen}}}}`",
                    in.file)};
  for (std::size_t k = 0; k < s.binds.size(); ++k) {
    const auto i = s.binds[k];
    const auto w = words(l.lines[i]);
    if (k == 0 && w.size() > 1 && w[1] == in.listen) continue;
    if (k == 0) {
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
                            "a later frontend's bind left out: the run listens on one "
                            "address"));
  }
  if (s.binds.empty()) {
    l.lines.insert(l.lines.begin() + static_cast<long>(s.first_frontend) + 1,
                   "  bind " + in.listen);
    notes.push_back(located(in, s.first_frontend, "added bind " + in.listen));
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

std::vector<FoundMember> haproxy_members(std::string_view text) {
  using namespace haproxy_conf;
  return scan(split_lines(text)).members;
}

Result<Adapted> adapt_haproxy(std::string_view text, const AdaptInput& in) {
  using namespace haproxy_conf;
  Lines l = split_lines(text);
  HaproxyScan s = scan(l);
  Adapted out;
  if (auto st = remap_members(l, s.members, in, "servers", out.notes); !st) return st.error();
  place_files(l, in, out.notes);
  if (auto bound = bind_listen(l, s, in, out.notes); !bound) return bound.error();
  out.text = join_lines(l);
  return out;
}

}  // namespace sc::adapt
