// Apache httpd: a pasted <Proxy balancer://> block or a whole httpd.conf, made to run alone
// (started as `apache2 -d RUNTIME -f FILE -X`, see scenario/proxy_kinds.cpp).
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "proxies/adapt_parts.hpp"
#include "util/text.hpp"

namespace sc::adapt {

namespace {
// Named: a unity build compiles the adapters together, one anonymous namespace for all.
namespace apache_conf {

struct ApacheScan {
  std::set<std::string> loaded;     // LoadModule names ("proxy_module")
  std::set<std::string> seen;       // directives, lower case
  std::set<std::string> lbmethods;  // lbmethod=... values
  std::vector<std::size_t> listens, vhosts;
  std::vector<FoundMember> members;
  bool require_host = false;
};

ApacheScan scan(const Lines& l) {
  ApacheScan s;
  for (std::size_t i = 0; i < l.lines.size(); ++i) {
    const auto d = directive(l.lines[i]);
    if (d.empty()) continue;
    s.seen.insert(d);
    const auto w = words(l.lines[i]);
    if (d == "loadmodule" && w.size() > 1) s.loaded.insert(w[1]);
    if (d == "listen") s.listens.push_back(i);
    if (d == "<virtualhost") s.vhosts.push_back(i);
    if (d == "require" && w.size() > 1 && (to_lower(w[1]) == "ip" || to_lower(w[1]) == "host"))
      s.require_host = true;
    for (const auto& word : w)
      if (to_lower(word).starts_with("lbmethod=")) s.lbmethods.insert(to_lower(word.substr(9)));
    if (d != "balancermember") continue;
    std::size_t k = 1;
    if (k < w.size() && to_lower(w[k]).starts_with("balancer://")) ++k;
    if (k < w.size())
      if (auto a = member_address(w[k]); !a.written.empty()) s.members.push_back({i, a});
  }
  return s;
}

// The modules a balancer run needs that are neither loaded by the file nor compiled in.
std::vector<std::string> missing_modules(const ApacheScan& s, const AdaptInput& in) {
  std::vector<std::string> wanted = {"authz_core",     "headers",     "proxy", "proxy_http",
                                     "proxy_balancer", "slotmem_shm", "unixd"};
  wanted.push_back("lbmethod_byrequests");
  for (const auto& m : s.lbmethods) wanted.push_back("lbmethod_" + m);
  if (s.require_host) wanted.push_back("authz_host");
  if (s.seen.contains("rewriteengine")) wanted.push_back("rewrite");
  if (s.seen.contains("setenvif")) wanted.push_back("setenvif");
  auto compiled = [&](const std::string& file) {
    return std::find(in.compiled_modules.begin(), in.compiled_modules.end(), file) !=
           in.compiled_modules.end();
  };
  const bool has_mpm = std::any_of(s.loaded.begin(), s.loaded.end(),
                                   [](const std::string& m) { return m.starts_with("mpm_"); }) ||
                       compiled("event.c") || compiled("worker.c") || compiled("prefork.c");
  std::vector<std::string> out;
  if (!has_mpm) out.push_back("mpm_event");
  for (const auto& m : wanted) {
    if (s.loaded.contains(m + "_module") || compiled("mod_" + m + ".c")) continue;
    if (std::find(out.begin(), out.end(), m) == out.end()) out.push_back(m);
  }
  return out;
}

// What a standalone run needs and the file does not say, written before the file's lines
// (modules must load before their directives are read).
std::vector<std::string> prelude(const ApacheScan& s, const AdaptInput& in) {
  std::vector<std::string> add;
  for (const auto& m : missing_modules(s, in))
    add.push_back(fmt::format("LoadModule {}_module {}/mod_{}.so", m, in.module_dir, m));
  auto unless = [&](const char* d, std::string line) {
    if (!s.seen.contains(d)) add.push_back(std::move(line));
  };
  unless("servername", "ServerName 127.0.0.1");
  unless("defaultruntimedir", "DefaultRuntimeDir " + path_word(in.runtime_dir));
  unless("pidfile", "PidFile " + path_word(in.runtime_dir + "/httpd.pid"));
  unless("mutex", "Mutex " + path_word("file:" + in.runtime_dir) + " default");
  unless("errorlog", "ErrorLog /dev/stderr");
  // As root httpd drops to this user once its files are open (without it: uid -1).
  unless("user", "User nobody");
  unless("group", "Group nogroup");
  // One process (-X) with Debian's 25 threads closes keep-alive connections under load.
  if (!s.seen.contains("threadsperchild") && !s.seen.contains("maxrequestworkers"))
    add.insert(add.end(), {"ThreadLimit 200", "ThreadsPerChild 200", "MaxRequestWorkers 200"});
  if (s.listens.empty()) add.push_back("Listen " + in.listen);
  return add;
}

// Paths httpd writes: kept in the runtime directory, or refused when stickycheck cannot.
Status place_files(Lines& l, const AdaptInput& in, std::vector<std::string>& notes) {
  for (std::size_t i = 0; i < l.lines.size(); ++i) {
    const auto d = directive(l.lines[i]);
    const auto w = words(l.lines[i]);
    if (w.size() < 2) continue;
    auto swap = [&](const std::string& path, const char* why) {
      const std::string to = path_word(path);
      l.lines[i] = replace_once(l.lines[i], w[1], to);
      notes.push_back(located(in, i, fmt::format("{} {} -> {} ({})", w[0], w[1], to, why)));
    };
    if (d == "pidfile" && outside_runtime(w[1], in))
      swap(in.runtime_dir + "/httpd.pid", "never the system's pid file");
    else if (d == "defaultruntimedir" && outside_runtime(w[1], in))
      swap(in.runtime_dir, "the runtime directory");
    else if (d == "errorlog" && w[1] != "/dev/stderr" && !w[1].starts_with("syslog"))
      swap("/dev/stderr", "the proxy's log, where stickycheck reads its errors");
    else if ((d == "customlog" || d == "transferlog") && !w[1].starts_with("\"|") &&
             !w[1].starts_with("|") && w[1] != path_word(in.runtime_dir + "/access.log"))
      swap(in.runtime_dir + "/access.log", "in the runtime directory");
    else if (d == "mutex" && w[1].starts_with("file:") && outside_runtime(w[1].substr(5), in))
      swap("file:" + in.runtime_dir, "in the runtime directory");
    else if (d == "serverroot") {
      notes.push_back(located(in, i,
                              "ServerRoot left out (the runtime directory is httpd's "
                              "ServerRoot, given by -d)"));
      l.lines[i] = commented(l.lines[i]);
    } else if ((d == "scoreboardfile" || d == "coredumpdirectory") && outside_runtime(w[1], in))
      return Error{located(in, i,
                           fmt::format("{} {} would write outside the runtime directory; remove "
                                       "it, or write under {{{{runtime_dir}}}}",
                                       w[0], w[1]))};
  }
  return ok_status();
}

void bind_listen(Lines& l, const ApacheScan& s, const AdaptInput& in,
                 std::vector<std::string>& notes) {
  for (std::size_t k = 0; k < s.listens.size(); ++k) {
    const auto i = s.listens[k];
    const auto w = words(l.lines[i]);
    if (k == 0 && w.size() > 1 && w[1] == in.listen) continue;
    if (k == 0) {
      l.lines[i] = indent_of(l.lines[i]) + "Listen " + in.listen;
      notes.push_back(located(
          in, i, fmt::format("Listen {} -> Listen {}", w.size() > 1 ? w[1] : "", in.listen)));
    } else {
      l.lines[i] = commented(l.lines[i]);
      notes.push_back(located(in, i, "a second Listen left out: the run listens on one address"));
    }
  }
  for (const auto i : s.vhosts) {
    const auto at = indent_of(l.lines[i]) + "<VirtualHost " + in.listen + ">";
    if (at == l.lines[i]) continue;
    notes.push_back(located(
        in, i, fmt::format("{} -> <VirtualHost {}>", std::string(trim(l.lines[i])), in.listen)));
    l.lines[i] = at;
  }
}

}  // namespace apache_conf
}  // namespace

std::vector<FoundMember> apache_members(std::string_view text) {
  using namespace apache_conf;
  return scan(split_lines(text)).members;
}

Result<Adapted> adapt_apache(std::string_view text, const AdaptInput& in) {
  using namespace apache_conf;
  Lines l = split_lines(text);
  const ApacheScan s = scan(l);
  Adapted out;
  if (auto st = remap_members(l, s.members, in, "BalancerMembers", out.notes); !st)
    return st.error();
  if (auto placed = place_files(l, in, out.notes); !placed) return placed.error();
  bind_listen(l, s, in, out.notes);
  const auto add = prelude(s, in);
  if (!add.empty()) {
    // "LoadModule mpm_event, headers; ServerName 127.0.0.1; ...": one line a person reads.
    std::string modules;
    std::vector<std::string> items;
    for (const auto& a : add) {
      if (a.starts_with("LoadModule "))
        modules += (modules.empty() ? "LoadModule " : ", ") +
                   words(a)[1].substr(0, words(a)[1].size() - 7);
      else
        items.push_back(a);
    }
    if (!modules.empty()) items.insert(items.begin(), modules);
    note_added(in, items, out.notes);
    std::vector<std::string> head = {std::string(kAddedComment)};
    head.insert(head.end(), add.begin(), add.end());
    head.push_back("# The configuration as given:");
    l.lines.insert(l.lines.begin(), head.begin(), head.end());
  }
  out.text = join_lines(l);
  return out;
}

}  // namespace sc::adapt
