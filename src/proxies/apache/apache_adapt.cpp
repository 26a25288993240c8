// Apache httpd: a pasted <Proxy balancer://> block or a whole httpd.conf, made to run alone
// (started as `apache2 -d RUNTIME -f FILE -X`, see scenario/proxy_kinds.cpp).
#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <set>

#include "proxies/adapt_parts.hpp"
#include "proxies/apache/apache_syntax.hpp"
#include "util/text.hpp"

namespace sc::adapt {

namespace {
// Named: a unity build compiles the adapters together, one anonymous namespace for all.
namespace apache_conf {

struct Vhost {
  const apache::Directive* section = nullptr;
  bool proxies = false;   // a ProxyPass or a [P] RewriteRule sends requests somewhere
  bool tls = false;       // SSLEngine on
  std::string redirect;   // where a Redirect or an [R] RewriteRule sends the client
  std::vector<std::string> names;  // ServerName, ServerAlias
};

struct ApacheScan {
  std::set<std::string> loaded;     // LoadModule names ("proxy_module")
  std::set<std::string> seen;       // directives, lower case
  std::set<std::string> lbmethods;  // lbmethod=... values
  std::vector<std::size_t> listens;
  std::vector<Vhost> vhosts;
  std::size_t target = 0;  // the vhost the run goes to (when there are vhosts)
  std::vector<FoundMember> members;
  std::vector<std::string> member_pools;  // per member: its balancer ("balancer://shop")
  std::vector<std::string> paths;  // the paths ProxyPass maps to a balancer, in file order
  std::vector<std::string> path_pools;  // per path: the balancer it maps to
  std::string chosen_pool;              // the balancer the traffic's path reaches ("": all)
  std::string chosen_path;              // that path (the first mapped one when it maps none)
  std::vector<apache::Substitution> substitutions;  // ${NAME}s a Define gave values
  std::vector<std::string> other_pools;
  bool require_host = false;
  bool server_errorlog = false;  // an ErrorLog outside every <VirtualHost>
  bool tls = false;              // the vhost under test has SSLEngine on
  std::vector<std::string> modules_to_load;  // by the run, before the file (missing_modules)
  std::shared_ptr<const std::vector<apache::Directive>> tree;  // what the pointers point into
};

// "balancer://Shop/x" -> "balancer://shop": a balancer's name, as httpd compares them.
std::string pool_name(std::string_view url) {
  std::string out = to_lower(url);
  const auto slash = out.find('/', std::string_view("balancer://").size());
  return slash == std::string::npos ? out : out.substr(0, slash);
}

bool inside_vhost(const apache::Found& f) {
  return std::any_of(f.parents.begin(), f.parents.end(),
                     [](const apache::Directive* p) { return p->lower() == "virtualhost"; });
}

void scan_directive(ApacheScan& s, const apache::Found& f) {
  const auto& d = *f.directive;
  const auto name = d.lower();
  s.seen.insert(d.section ? "<" + name : name);
  const auto i = d.line - 1;
  if (name == "loadmodule" && !d.args.empty()) s.loaded.insert(d.arg());
  if (name == "listen") s.listens.push_back(i);
  if (name == "errorlog" && !inside_vhost(f)) s.server_errorlog = true;
  if (name == "require" && (iequals(d.arg(), "ip") || iequals(d.arg(), "host")))
    s.require_host = true;
  for (const auto& a : d.args)
    if (to_lower(a).starts_with("lbmethod=")) s.lbmethods.insert(to_lower(a.substr(9)));
  if (name == "proxypass") {
    // In <Location /shop>: "ProxyPass balancer://shop/"; else "ProxyPass /shop balancer://..".
    const bool in_location = !f.parents.empty() && f.parents.back()->lower() == "location";
    const std::string path = in_location ? f.parents.back()->arg() : d.arg();
    const std::string url = in_location ? d.arg() : d.arg(1);
    if (to_lower(url).starts_with("balancer://") && path.starts_with('/')) {
      s.paths.push_back(path);
      s.path_pools.push_back(pool_name(url));
    }
  }
  if (name != "balancermember") return;
  std::size_t k = 0;
  std::string pool = !f.parents.empty() && f.parents.back()->lower() == "proxy"
                         ? pool_name(f.parents.back()->arg())
                         : std::string();
  if (k < d.args.size() && to_lower(d.args[k]).starts_with("balancer://")) pool = pool_name(d.args[k++]);
  if (k < d.args.size())
    if (auto a = member_address(d.args[k]); !a.written.empty()) {
      s.members.push_back({i, a});
      s.member_pools.push_back(pool);
    }
}

// Only the balancer the traffic's path reaches (httpd takes the first ProxyPass whose path
// is a prefix of the request's; without one, where a run that set no traffic.path goes: the
// first) has its members become the backends; the others stay as written.
void choose_pool(ApacheScan& s, std::string_view path) {
  std::set<std::string> pools(s.member_pools.begin(), s.member_pools.end());
  if (pools.size() < 2 || s.paths.empty()) return;
  std::size_t k = 0;
  while (k < s.paths.size() && !path.starts_with(s.paths[k])) ++k;
  s.chosen_pool = s.path_pools[k < s.paths.size() ? k : 0];
  s.chosen_path = k < s.paths.size() ? std::string(path) : s.paths.front();
  if (!pools.contains(s.chosen_pool)) {
    s.chosen_pool.clear();
    return;
  }
  pools.erase(s.chosen_pool);
  s.other_pools.assign(pools.begin(), pools.end());
  std::vector<FoundMember> kept;
  std::vector<std::string> kept_pools;
  for (std::size_t m = 0; m < s.members.size(); ++m)
    if (s.member_pools[m] == s.chosen_pool) {
      kept.push_back(s.members[m]);
      kept_pools.push_back(s.member_pools[m]);
    }
  s.members = std::move(kept);
  s.member_pools = std::move(kept_pools);
}

// "https://shop.example.com:443" -> "shop.example.com" (ServerName may carry both).
std::string host_of(std::string_view name) {
  if (auto scheme = name.find("://"); scheme != std::string_view::npos)
    name.remove_prefix(scheme + 3);
  if (auto colon = name.rfind(':'); colon != std::string_view::npos && !name.ends_with(']'))
    name = name.substr(0, colon);
  return std::string(name);
}

// "[P,L]" -> {"p", "l"}; "[R=301,L]" -> {"r", "l"}: each flag's name, lower case.
std::set<std::string> rewrite_flags(std::string_view written) {
  std::set<std::string> out;
  if (!written.starts_with('[') || !written.ends_with(']')) return out;
  for (auto flag : split(written.substr(1, written.size() - 2), ','))
    out.insert(to_lower(trim(flag.substr(0, flag.find('=')))));
  return out;
}

Vhost read_vhost(const apache::Directive& section) {
  Vhost v;
  v.section = &section;
  for (const auto& f : apache::find_all(section.children, "proxypass"))  // "ProxyPass /x !"
    if (!f.directive->args.empty() && f.directive->arg() != "!" && f.directive->arg(1) != "!")
      v.proxies = true;
  for (const auto& f : apache::find_all(section.children, "rewriterule")) {
    const auto flags = rewrite_flags(f.directive->arg(2));
    if (flags.contains("p"))
      v.proxies = true;
    else if ((flags.contains("r") || flags.contains("redirect")) && v.redirect.empty())
      v.redirect = f.directive->arg(1);
  }
  for (const auto& f : apache::find_all(section.children, "redirect"))
    if (v.redirect.empty()) v.redirect = f.directive->args.empty() ? "" : f.directive->args.back();
  for (const auto& f : apache::find_all(section.children, "redirectpermanent"))
    if (v.redirect.empty()) v.redirect = f.directive->args.empty() ? "" : f.directive->args.back();
  for (const auto& f : apache::find_all(section.children, "sslengine"))
    if (iequals(f.directive->arg(), "on")) v.tls = true;
  for (const char* n : {"servername", "serveralias"})
    for (const auto& f : apache::find_all(section.children, n))
      for (const auto& a : f.directive->args) v.names.push_back(host_of(a));
  return v;
}

// Whether the run leaves vhost k out: one that only redirects or proxies nothing, and a plain
// one beside the TLS site users reach (the run has one address: it cannot be both).
bool left_out(const ApacheScan& s, std::size_t k) {
  if (s.vhosts.empty() || !s.vhosts[s.target].proxies || k == s.target) return false;
  const auto& v = s.vhosts[k];
  return !(v.proxies && v.tls == s.tls);
}

ApacheScan scan(const std::vector<apache::Directive>& directives) {
  ApacheScan s;
  std::vector<const apache::Directive*> parents;
  std::function<void(const std::vector<apache::Directive>&)> walk =
      [&](const std::vector<apache::Directive>& within) {
        for (const auto& d : within) {
          scan_directive(s, {&d, parents});
          if (d.lower() == "virtualhost") s.vhosts.push_back(read_vhost(d));
          if (!d.section) continue;
          parents.push_back(&d);
          walk(d.children);
          parents.pop_back();
        }
      };
  walk(directives);
  // The site users reach: the first vhost proxying over TLS, else the first proxying.
  s.target = s.vhosts.size();
  for (bool tls : {true, false})
    for (std::size_t i = 0; i < s.vhosts.size() && s.target == s.vhosts.size(); ++i)
      if (s.vhosts[i].proxies && (s.vhosts[i].tls || !tls)) s.target = i;
  if (s.target == s.vhosts.size()) s.target = 0;
  s.tls = !s.vhosts.empty() && s.vhosts[s.target].tls && s.vhosts[s.target].proxies;
  // Members of a vhost the run leaves out stand for none of the scenario's backends.
  std::vector<FoundMember> kept;
  std::vector<std::string> kept_pools;
  for (std::size_t m = 0; m < s.members.size(); ++m) {
    bool out = false;
    for (std::size_t k = 0; k < s.vhosts.size(); ++k)
      out = out || (left_out(s, k) && s.members[m].line + 1 >= s.vhosts[k].section->line &&
                    s.members[m].line + 1 <= s.vhosts[k].section->close_line);
    if (out) continue;
    kept.push_back(s.members[m]);
    kept_pools.push_back(s.member_pools[m]);
  }
  s.members = std::move(kept);
  s.member_pools = std::move(kept_pools);
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
  if (s.seen.contains("sslengine")) wanted.push_back("ssl");
  if (s.seen.contains("sslsessioncache") || s.seen.contains("sslstaplingcache"))
    wanted.push_back("socache_shmcb");
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
  for (const auto& m : s.modules_to_load)
    add.push_back(fmt::format("LoadModule {}_module {}/mod_{}.so", m, in.module_dir, m));
  auto unless = [&](const char* d, std::string line) {
    if (!s.seen.contains(d)) add.push_back(std::move(line));
  };
  unless("servername", "ServerName 127.0.0.1");
  unless("defaultruntimedir", "DefaultRuntimeDir " + path_word(in.runtime_dir));
  unless("pidfile", "PidFile " + path_word(in.runtime_dir + "/httpd.pid"));
  unless("mutex", "Mutex " + path_word("file:" + in.runtime_dir) + " default");
  // A vhost's ErrorLog is not the server's: httpd still opens its own (logs/error_log).
  if (!s.server_errorlog) add.push_back("ErrorLog /dev/stderr");
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
  for (const auto& v : s.vhosts) {
    const auto i = v.section->line - 1;
    if (directive(l.lines[i]).empty()) continue;  // left out
    const auto at = indent_of(l.lines[i]) + "<VirtualHost " + in.listen + ">";
    if (at == l.lines[i]) continue;
    notes.push_back(located(
        in, i, fmt::format("{} -> <VirtualHost {}>", std::string(trim(l.lines[i])), in.listen)));
    l.lines[i] = at;
  }
}

// "LoadModule mpm_event, headers; ServerName 127.0.0.1; ...": one line a person reads.
void note_prelude(const std::vector<std::string>& add, const AdaptInput& in,
                  std::vector<std::string>& notes) {
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
  note_added(in, items, notes);
}

// Vhosts the site under test does not need are commented out, line by line: one that only
// redirects (80 -> 443) or proxies nothing, and a plain one beside the TLS site users reach
// (the run has one address: it cannot be both).
void leave_out_vhosts(Lines& l, const ApacheScan& s, const AdaptInput& in,
                      std::vector<std::string>& notes) {
  for (std::size_t k = 0; k < s.vhosts.size(); ++k) {
    const auto& v = s.vhosts[k];
    if (!left_out(s, k)) continue;
    const std::string why = !v.proxies ? (v.redirect.empty()
                                              ? std::string("it proxies nothing")
                                              : fmt::format("it only redirects (to {})", v.redirect))
                                       : std::string("it serves the site over plain http, and "
                                                     "the run goes to the https one");
    for (std::size_t i = v.section->line - 1; i < v.section->close_line && i < l.lines.size(); ++i)
      if (!trim(l.lines[i]).empty()) l.lines[i] = commented(l.lines[i]);
    notes.push_back(located(in, v.section->line - 1,
                            fmt::format("the <VirtualHost> at line {} left out: {}; the run goes "
                                        "to the one at line {}",
                                        v.section->line, why, s.vhosts[s.target].section->line)));
  }
}

// TLS as shipped: the user's certificate and key replaced by the run's own (never read);
// files of the production host that only TLS reads (chains, CAs, DH parameters) left out.
void replace_tls_files(Lines& l, const AdaptInput& in, std::vector<std::string>& notes) {
  static const std::set<std::string> kLeftOut = {
      "sslcertificatechainfile", "sslcacertificatefile", "sslcacertificatepath",
      "sslcarevocationfile",     "sslcarevocationpath",  "sslopensslconfcmd",
      "sslstaplingcache"};
  for (std::size_t i = 0; i < l.lines.size(); ++i) {
    const auto d = directive(l.lines[i]);
    const auto w = words(l.lines[i]);
    if (w.size() < 2) continue;
    std::string to;
    if (d == "sslcertificatefile") to = path_word(in.tls_cert);
    if (d == "sslcertificatekeyfile") to = path_word(in.tls_key);
    if (d == "sslsessioncache" && w[1].starts_with("shmcb:"))
      to = path_word("shmcb:" + in.runtime_dir + "/ssl_scache(512000)");
    if (!to.empty() && w[1] != to) {
      l.lines[i] = replace_once(l.lines[i], w[1], to);
      notes.push_back(located(in, i, fmt::format("{} {} -> {} (made for this run)", w[0], w[1], to)));
    } else if (kLeftOut.contains(d) &&
               (d != "sslopensslconfcmd" || iequals(w[1], "DHParameters"))) {
      l.lines[i] = commented(l.lines[i]);
      notes.push_back(located(in, i, w[0] + " left out: it names a file of the production host"));
    }
  }
}

// The file as httpd will read it in the run: the modules it loads are found from every
// directive its Defines let through (those inside <IfModule mod_ssl.c> too, which the run then
// loads; none under a false <IfDefine>), then the <IfDefine>/<IfModule> sections are evaluated
// against them, and only what httpd reads is scanned.
ApacheScan read_as_httpd(const apache::Config& config, const AdaptInput& in) {
  apache::Conditions any_module;
  any_module.has_module = [](std::string_view) { return true; };
  const auto by_defines = apache::evaluated(config.directives, any_module);
  const ApacheScan everything = scan(by_defines);
  auto to_load = missing_modules(everything, in);
  apache::Conditions c;
  c.has_module = [&](std::string_view stem) {
    const std::string m(stem);
    return everything.loaded.contains(m + "_module") ||
           std::find(to_load.begin(), to_load.end(), m) != to_load.end() ||
           std::find(in.compiled_modules.begin(), in.compiled_modules.end(),
                     "mod_" + m + ".c") != in.compiled_modules.end();
  };
  std::vector<apache::Substitution> substitutions;
  auto tree = std::make_shared<const std::vector<apache::Directive>>(
      apache::evaluated(config.directives, c, &substitutions));
  ApacheScan s = scan(*tree);
  s.substitutions = std::move(substitutions);
  s.tree = std::move(tree);
  s.modules_to_load = std::move(to_load);
  choose_pool(s, in.path);
  return s;
}

// The file's own lines read as the tree does: each ${NAME} a Define gave a value written out
// (httpd reads the same), so that members and paths found in the tree are found in the text.
void write_out_defines(Lines& l, const ApacheScan& s, const AdaptInput& in,
                       std::vector<std::string>& notes) {
  for (const auto& sub : s.substitutions) {
    const std::string var = "${" + sub.name + "}";
    for (std::size_t k = sub.line; k <= sub.last_line && k <= l.lines.size(); ++k) {
      auto& line = l.lines[k - 1];
      bool changed = false;
      for (auto at = line.find(var); at != std::string::npos; at = line.find(var, at)) {
        line.replace(at, var.size(), sub.value);
        at += sub.value.size();
        changed = true;
      }
      if (changed)
        notes.push_back(located(in, k - 1, fmt::format("{} -> {} (its Define)", var, sub.value)));
    }
  }
}

std::string pool_choice_text(const ApacheScan& s) {
  std::string others;
  for (const auto& o : s.other_pools) others += (others.empty() ? "" : ", ") + o;
  return fmt::format("the traffic to {} reaches {}; the other balancers ({}) stay as written",
                     s.chosen_path, s.chosen_pool, others);
}

// The balancer chosen for the traffic's path, said at its first member.
void note_pool_choice(const ApacheScan& s, const AdaptInput& in, std::vector<std::string>& notes) {
  if (s.chosen_pool.empty() || s.members.empty()) return;
  notes.push_back(located(in, s.members.front().line, pool_choice_text(s)));
}

// What httpd and the reference balancer both need of the file's lines: the Define values
// written out, the chosen pool's members pointed at the backends, and that choice said.
Status point_at_backends(Lines& l, const ApacheScan& s, const AdaptInput& in,
                         std::vector<std::string>& notes) {
  write_out_defines(l, s, in, notes);
  if (auto st = remap_members(l, s.members, in, "BalancerMembers", notes); !st) return st;
  note_pool_choice(s, in, notes);
  return ok_status();
}

}  // namespace apache_conf
}  // namespace

std::vector<FoundMember> apache_members(std::string_view text, std::string_view path) {
  using namespace apache_conf;
  auto config = apache::parse(text, "httpd.conf");
  AdaptInput in;
  in.path = std::string(path);
  return config ? read_as_httpd(*config, in).members : std::vector<FoundMember>{};
}

std::string apache_pool_choice(std::string_view text, std::string_view path) {
  using namespace apache_conf;
  auto config = apache::parse(text, "httpd.conf");
  if (!config) return "";
  AdaptInput in;
  in.path = std::string(path);
  const auto s = read_as_httpd(*config, in);
  return s.chosen_pool.empty() ? "" : pool_choice_text(s);
}

namespace {

// httpd's run, or the reference balancer's (`httpd` false): the balancer reads the file as
// httpd would, but listens where its command line says and writes nothing, so only the
// steps every reader needs run (Define values written out, the chosen pool's members
// pointed at the backends, never at the production servers the file names).
Result<Adapted> adapt_apache_file(std::string_view text, const AdaptInput& in, bool httpd) {
  using namespace apache_conf;
  auto config = apache::parse(text, in.file);
  if (!config) return config.error();
  Lines l = split_lines(text);
  const ApacheScan s = read_as_httpd(*config, in);
  Adapted out;
  if (httpd) leave_out_vhosts(l, s, in, out.notes);
  if (auto st = point_at_backends(l, s, in, out.notes); !st) return st.error();
  if (httpd) {
    if (auto placed = place_files(l, in, out.notes); !placed) return placed.error();
    replace_tls_files(l, in, out.notes);
    bind_listen(l, s, in, out.notes);
    const auto add = prelude(s, in);
    if (!add.empty()) {
      note_prelude(add, in, out.notes);
      std::vector<std::string> head = {std::string(kAddedComment)};
      head.insert(head.end(), add.begin(), add.end());
      head.push_back("# The configuration as given:");
      l.lines.insert(l.lines.begin(), head.begin(), head.end());
      out.lines_before = head.size();
    }
    out.tls = s.tls;
  }
  out.text = join_lines(l);
  out.keeps_lines = true;
  out.paths = s.paths;
  if (!s.vhosts.empty()) out.server_names = s.vhosts[s.target].names;
  return out;
}

}  // namespace

Result<Adapted> adapt_reference(std::string_view text, const AdaptInput& in) {
  return adapt_apache_file(text, in, false);
}

Result<Adapted> adapt_apache(std::string_view text, const AdaptInput& in) {
  return adapt_apache_file(text, in, true);
}

}  // namespace sc::adapt
