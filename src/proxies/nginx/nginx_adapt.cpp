// nginx: an nginx.conf, or a sites-available file (upstream and server at the top level, which
// nginx reads inside http), run as `nginx -p RUNTIME/ -c FILE -e stderr -g 'daemon off;'`.
// Read with nginx's own token grammar (nginx_syntax.hpp) and edited in place, span by span:
// the user's lines keep their numbers, and a one-line block is edited as well as a long one.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>

#include "proxies/adapt_parts.hpp"
#include "proxies/nginx/nginx_site.hpp"
#include "proxies/nginx/nginx_syntax.hpp"
#include "util/text.hpp"

namespace sc::adapt {

namespace {
// Named: a unity build compiles the adapters together, one anonymous namespace for all.
namespace nginx_conf {

using nginx::Directive;

const std::vector<std::string> kTempPaths = {"client_body_temp_path", "proxy_temp_path",
                                             "fastcgi_temp_path", "uwsgi_temp_path",
                                             "scgi_temp_path"};

struct Edit {
  std::size_t begin = 0, end = 0;
  std::string text;
};

struct Work {
  std::string_view text;
  const AdaptInput& in;
  std::vector<Edit> edits;
  std::vector<std::string> notes;
};

std::size_t line_index(const nginx::Token& t) { return t.line - 1; }

std::string directive_text(const Work& w, const Directive& d) {
  return std::string(w.text.substr(d.name.begin, d.end - d.name.begin));
}

// Whether [begin, end) is the only thing on its line(s), comments after it aside.
bool alone_on_its_lines(std::string_view text, std::size_t begin, std::size_t end) {
  const auto line_start = text.rfind('\n', begin == 0 ? 0 : begin - 1);
  const auto before = text.substr(line_start == std::string_view::npos ? 0 : line_start + 1,
                                  begin - (line_start == std::string_view::npos ? 0 : line_start + 1));
  auto after = text.substr(end, text.find('\n', end) - end);
  after = after.substr(0, after.find('#'));
  return trim(before).empty() && trim(after).empty();
}

// A directive (or a block) taken out, with a note saying why. Alone on its lines it is
// commented out, line by line, for the reader of the adapted file; otherwise its bytes become
// blanks. Either way no line is added or removed: every line keeps its number.
void leave_out(Work& w, const Directive& d, std::string_view why) {
  const std::string was(w.text.substr(d.name.begin, d.end - d.name.begin));
  std::string to;
  if (alone_on_its_lines(w.text, d.name.begin, d.end)) {
    to = "# (stickycheck) ";
    for (char c : was) to += c == '\n' ? std::string("\n# (stickycheck) ") : std::string(1, c);
  } else {
    to = was;
    for (auto& c : to)
      if (c != '\n') c = ' ';
  }
  w.edits.push_back({d.name.begin, d.end, std::move(to)});
  w.notes.push_back(located(w.in, line_index(d.name), std::string(why)));
}

void replace_arg(Work& w, const Directive& d, std::size_t i, const std::string& to,
                 std::string_view why) {
  const auto& t = d.args[i];
  w.edits.push_back({t.begin, t.end, to});
  w.notes.push_back(located(w.in, line_index(t),
                            fmt::format("{} {} -> {}{}", d.name.text, t.text, to,
                                        why.empty() ? "" : fmt::format(" ({})", why))));
}

// The upstream servers that name an address, with the token that names it.
std::vector<FoundMember> found_members(const nginx::Site& site,
                                       std::vector<const nginx::Token*>& tokens) {
  std::vector<FoundMember> found;
  for (const auto* d : site.members) {
    if (d->args.empty()) continue;
    if (auto a = member_address(d->args[0].text); !a.written.empty()) {
      found.push_back({line_index(d->args[0]), a});
      tokens.push_back(&d->args[0]);
    }
  }
  return found;
}

// The members: upstream servers, pointed at the scenario's backends.
Status remap(Work& w, const nginx::Site& site) {
  std::vector<const nginx::Token*> tokens;
  const auto found = found_members(site, tokens);
  auto mapped = map_members(found, w.in, "upstream servers", w.notes);
  if (!mapped) return mapped.error();
  for (std::size_t i = 0; i < found.size(); ++i) {
    const auto& t = *tokens[i];
    std::string to = t.text;
    to.replace(to.find(found[i].address.written), found[i].address.written.size(), (*mapped)[i]);
    w.edits.push_back({t.begin, t.end, to});
  }
  return ok_status();
}

// The first listen of each server the run keeps: the run's address (with `ssl` and `http2`
// kept, the options that change what clients speak); the others are left out.
void bind_listens(Work& w, const nginx::Site& site) {
  for (const auto& srv : site.servers) {
    if (!srv.kept) continue;
    if (srv.listens.empty()) {
      const auto at = srv.block->open + 1;
      w.edits.push_back({at, at, fmt::format(" listen {};", w.in.listen)});
      w.notes.push_back(located(w.in, line_index(srv.block->name),
                                "added listen " + w.in.listen));
      continue;
    }
    for (std::size_t k = 0; k < srv.listens.size(); ++k) {
      const Directive& d = *srv.listens[k];
      if (k > 0) {
        leave_out(w, d, fmt::format("{} left out: the run listens on one address",
                                    directive_text(w, d)));
        continue;
      }
      std::string to = "listen " + w.in.listen;
      for (const char* keep : {"ssl", "http2"})
        if (d.has_arg(keep)) to += std::string(" ") + keep;
      to += ";";
      // A listen written over several lines keeps them (every line keeps its number).
      const auto was = directive_text(w, d);
      to += std::string(static_cast<std::size_t>(std::count(was.begin(), was.end(), '\n')), '\n');
      if (was == to) continue;
      w.edits.push_back({d.name.begin, d.end, to});
      w.notes.push_back(located(w.in, line_index(d.name),
                                fmt::format("{} -> {}", directive_text(w, d), to)));
    }
  }
}

// A site with several pools: the one the traffic's path reaches is the backends; the others
// stay as written (nginx needs them to start, and no request of the run reaches them).
void note_pool_choice(Work& w, const nginx::Site& site) {
  if (!site.location || site.others.empty()) return;
  w.notes.push_back(located(
      w.in, site.location->line - 1,
      fmt::format("the traffic to {} reaches location {}, upstream {}; the other upstreams ({}) "
                  "stay as written",
                  site.pool_path.empty() ? w.in.path : site.pool_path, site.location->match,
                  fmt::join(site.chosen, ", "), fmt::join(site.others, ", "))));
}

// Servers that serve none of the pools (an 80 -> 443 redirect, a default server answering
// 444) are left out: they would share the run's one address with the site under test.
void leave_out_servers(Work& w, const nginx::Site& site) {
  for (const auto* u : site.unused)
    leave_out(w, *u,
              fmt::format("upstream {} left out: no server the run keeps passes to it",
                          u->arg()));
  for (const auto& srv : site.servers) {
    if (srv.kept) continue;
    leave_out(w, *srv.block,
              fmt::format("the server at line {} left out: {}; the run goes to the server at "
                          "line {}",
                          srv.block->name.line, srv.why_left_out, site.target_line()));
  }
}

// TLS as shipped: the user's certificate and key replaced by a throw-away pair the run makes
// for the site's names (never read: the user's key stays where it is).
void replace_certificates(Work& w, const nginx::Site& site) {
  for (const auto* d : site.tls_files) {
    if (d->args.empty()) continue;
    if (d->name.text == "ssl_certificate")
      replace_arg(w, *d, 0, path_word(w.in.tls_cert), "a certificate made for this run");
    else if (d->name.text == "ssl_certificate_key")
      replace_arg(w, *d, 0, path_word(w.in.tls_key), "the key made for this run");
    else
      leave_out(w, *d,
                fmt::format("{} left out: it names a file of the production host",
                            directive_text(w, *d)));
  }
}

// pid, logs and temp files in the runtime directory; `daemon` is the command line's.
void place_files(Work& w, const nginx::Site& site, const std::vector<Directive>& all) {
  for (const auto& d : all) {
    if (d.block) {
      if (!site.left_out(d)) place_files(w, site, d.children);
      continue;
    }
    const auto& n = d.name.text;
    if (n == "daemon" || n == "master_process") {
      leave_out(w, d, n + " left out: the run sets it on the command line");
      continue;
    }
    if (d.args.empty()) continue;
    const std::string& a = d.arg();
    if (n == "pid" && outside_runtime(a, w.in))
      replace_arg(w, d, 0, path_word(w.in.runtime_dir + "/nginx.pid"), "");
    else if (n == "error_log" && a != "stderr")
      replace_arg(w, d, 0, "stderr", "");
    else if (n == "access_log" && a != "off" && outside_runtime(a, w.in))
      replace_arg(w, d, 0, path_word(w.in.runtime_dir + "/access.log"), "");
    else if (n.ends_with("_temp_path") && outside_runtime(a, w.in))
      replace_arg(w, d, 0, path_word(w.in.runtime_dir + "/" + n.substr(0, n.size() - 10)), "");
  }
}

struct Head {
  std::vector<std::string> lines;  // before the user's first line
  std::string tail;                // after the user's last byte
};

// What a standalone run needs and the file lacks: events, pid, temp paths (Debian compiles
// in /var/lib/nginx), and the http block a sites-available file relies on.
Head add_missing(Work& w, const nginx::Site& site) {
  std::set<std::string> set_paths;
  for (const auto& t : kTempPaths)
    if (!nginx::find_all(site.config->directives, t).empty()) set_paths.insert(t);
  std::vector<std::string> temp;
  for (const auto& t : kTempPaths)
    if (!set_paths.contains(t))
      temp.push_back(
          fmt::format("{} {};", t, path_word(w.in.runtime_dir + "/" + t.substr(0, t.size() - 10))));
  Head h;
  std::vector<std::string> added;
  auto top = [&](std::string_view name) {
    return std::any_of(site.config->directives.begin(), site.config->directives.end(),
                       [&](const Directive& d) { return d.name.text == name; });
  };
  if (!top("pid")) h.lines.push_back("pid " + path_word(w.in.runtime_dir + "/nginx.pid") + ";");
  if (!top("events")) h.lines.push_back("events { worker_connections 1024; }");
  added = h.lines;
  if (site.bare) {
    h.lines.push_back("http {");
    for (const auto& t : temp) h.lines.push_back("  " + t);
    h.tail = w.text.ends_with('\n') || w.text.empty() ? "}\n" : "\n}\n";
    added.push_back("an http block around the file");
  } else if (!temp.empty()) {
    std::string in_http;
    for (const auto& t : temp) in_http += " " + t;
    w.edits.push_back({site.http->open + 1, site.http->open + 1, in_http});
  }
  for (const auto& t : temp) added.push_back(t);
  for (auto& a : added)
    while (a.ends_with(';')) a.pop_back();
  note_added(w.in, added, w.notes);
  return h;
}

std::string apply(std::string_view text, std::vector<Edit> edits, const Head& head) {
  // An insertion (begin == end) goes before an edit that starts at the same byte: otherwise
  // that edit's span would swallow it.
  std::stable_sort(edits.begin(), edits.end(), [](const Edit& a, const Edit& b) {
    if (a.begin != b.begin) return a.begin < b.begin;
    return (a.begin == a.end) > (b.begin == b.end);
  });
  std::string out;
  if (!head.lines.empty()) out += std::string(kAddedComment) + "\n";
  for (const auto& l : head.lines) out += l + "\n";
  std::size_t at = 0;
  for (const auto& e : edits) {
    if (e.begin < at) continue;  // inside a span already replaced (a left-out server)
    out.append(text.substr(at, e.begin - at));
    out += e.text;
    at = e.end;
  }
  out.append(text.substr(at));
  out += head.tail;
  return out;
}

}  // namespace nginx_conf
}  // namespace

std::vector<FoundMember> nginx_members(std::string_view text, std::string_view path) {
  using namespace nginx_conf;
  auto config = nginx::parse(text, "nginx.conf");
  if (!config) return {};
  std::vector<const nginx::Token*> tokens;
  return found_members(nginx::read_site(*config, path), tokens);
}

Result<Adapted> adapt_nginx(std::string_view text, const AdaptInput& in) {
  using namespace nginx_conf;
  auto config = nginx::parse(text, in.file);
  if (!config) return config.error();
  const nginx::Site site = nginx::read_site(*config, in.path);
  if (auto bad = site.problem(in.file); !bad.empty()) return Error{bad};
  Work w{text, in, {}, {}};
  if (auto st = remap(w, site); !st) return st.error();
  place_files(w, site, config->directives);
  bind_listens(w, site);
  leave_out_servers(w, site);
  note_pool_choice(w, site);
  if (site.tls) replace_certificates(w, site);
  const Head head = add_missing(w, site);
  Adapted out;
  out.text = apply(text, std::move(w.edits), head);
  out.notes = std::move(w.notes);
  out.lines_before = head.lines.empty() ? 0 : head.lines.size() + 1;
  out.keeps_lines = true;
  out.tls = site.tls;
  out.server_names = site.target_names();
  if (!site.pool_path.empty()) out.paths = {site.pool_path};
  return out;
}

}  // namespace sc::adapt
