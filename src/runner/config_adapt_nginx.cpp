// nginx: an nginx.conf, or a sites-available file (upstream and server at the top level, which
// nginx reads inside http), run as `nginx -p RUNTIME/ -c FILE -e stderr -g 'daemon off;'`.
#include <fmt/format.h>

#include <map>
#include <set>

#include "runner/config_adapt_parts.hpp"
#include "util/text.hpp"

namespace sc::adapt {

namespace {
// Named: a unity build compiles the adapters together, one anonymous namespace for all.
namespace nginx_conf {

const std::vector<std::string> kTempPaths = {"client_body_temp_path", "proxy_temp_path",
                                             "fastcgi_temp_path", "uwsgi_temp_path",
                                             "scgi_temp_path"};

struct NginxServer {
  std::size_t open = 0;  // the `server {` line
  std::vector<std::size_t> listens;
};

struct NginxScan {
  std::vector<FoundMember> members;
  std::vector<NginxServer> servers;
  std::set<std::string> temp_paths;  // those the file sets
  std::size_t http_open = SIZE_MAX;
  bool has_events = false, has_pid = false;
  bool bare_site = false;  // server or upstream at the top level
};

// The block each line opens or closes, by counting braces outside comments.
void step_blocks(std::string_view line, const std::string& d, std::vector<std::string>& stack) {
  const auto text = line.substr(0, line.find('#'));
  for (char c : text) {
    if (c == '{') stack.push_back(d);
    if (c == '}' && !stack.empty()) stack.pop_back();
  }
}

void scan_line(NginxScan& s, std::size_t i, const std::string& d,
               const std::vector<std::string>& words_of, const std::string& context) {
  if (context.empty() && (d == "server" || d == "upstream")) s.bare_site = true;
  if (context.empty() && d == "http") s.http_open = i;
  if (context.empty() && d == "events") s.has_events = true;
  if (context.empty() && d == "pid") s.has_pid = true;
  if (d == "server" && context != "upstream") s.servers.push_back({i, {}});
  if (d == "listen" && context == "server" && !s.servers.empty())
    s.servers.back().listens.push_back(i);
  if (d == "server" && context == "upstream" && words_of.size() > 1)
    if (auto a = member_address(words_of[1]); !a.written.empty()) s.members.push_back({i, a});
  if (d.ends_with("_temp_path")) s.temp_paths.insert(d);
}

NginxScan scan(const Lines& l) {
  NginxScan s;
  std::vector<std::string> stack;
  for (std::size_t i = 0; i < l.lines.size(); ++i) {
    const auto d = directive(l.lines[i]);
    if (d.empty()) continue;
    scan_line(s, i, d, words(l.lines[i]), stack.empty() ? "" : stack.back());
    step_blocks(l.lines[i], d, stack);
  }
  return s;
}

struct Edits {
  std::map<std::size_t, std::vector<std::string>> after;  // lines added after line i
  std::vector<std::string> head;                          // lines added before the file
};

void bind_listen(Lines& l, const NginxScan& s, const AdaptInput& in, Edits& e,
                 std::vector<std::string>& notes) {
  for (const auto& srv : s.servers) {
    if (srv.listens.empty()) {
      e.after[srv.open].push_back(indent_of(l.lines[srv.open]) + "  listen " + in.listen + ";");
      notes.push_back(located(in, srv.open, "added listen " + in.listen));
    }
    for (std::size_t k = 0; k < srv.listens.size(); ++k) {
      const auto i = srv.listens[k];
      const auto w = words(l.lines[i]);
      if (k == 0 && w.size() > 1 && w[1] == in.listen && w.size() == 3) continue;
      const auto was = std::string(trim(l.lines[i]));
      l.lines[i] =
          k == 0 ? indent_of(l.lines[i]) + "listen " + in.listen + ";" : commented(l.lines[i]);
      notes.push_back(located(in, i,
                              k == 0 ? fmt::format("{} -> listen {};", was, in.listen)
                                     : "another listen left out: the run listens on "
                                       "one address"));
    }
  }
}

// pid, logs and temp files in the runtime directory; `daemon` is the command line's.
void place_files(Lines& l, const AdaptInput& in, std::vector<std::string>& notes) {
  for (std::size_t i = 0; i < l.lines.size(); ++i) {
    const auto d = directive(l.lines[i]);
    const auto w = words(l.lines[i]);
    if (w.size() < 2) continue;
    std::string to;
    if (d == "pid" && outside_runtime(w[1], in)) to = path_word(in.runtime_dir + "/nginx.pid");
    if (d == "error_log" && w[1] != "stderr") to = "stderr";
    if (d == "access_log" && w[1] != "off" && outside_runtime(w[1], in))
      to = path_word(in.runtime_dir + "/access.log");
    if (d.ends_with("_temp_path") && outside_runtime(w[1], in))
      to = path_word(in.runtime_dir + "/" + d.substr(0, d.size() - 10));
    if (d == "daemon" || d == "master_process") {
      l.lines[i] = commented(l.lines[i]);
      notes.push_back(located(in, i, w[0] + " left out: the run sets it on the command line"));
    } else if (!to.empty()) {
      l.lines[i] = replace_once(l.lines[i], w[1], to);
      notes.push_back(located(in, i, fmt::format("{} {} -> {}", w[0], w[1], to)));
    }
  }
}

// What a standalone run needs and the file lacks: events, pid, temp paths (Debian compiles
// in /var/lib/nginx), and the http block a sites-available file relies on.
void add_missing(const NginxScan& s, const AdaptInput& in, Edits& e, Lines& l,
                 std::vector<std::string>& notes) {
  std::vector<std::string> temp;
  for (const auto& t : kTempPaths)
    if (!s.temp_paths.contains(t))
      temp.push_back(
          fmt::format("  {} {};", t, path_word(in.runtime_dir + "/" + t.substr(0, t.size() - 10))));
  std::vector<std::string> added;
  if (!s.has_pid) e.head.push_back("pid " + path_word(in.runtime_dir + "/nginx.pid") + ";");
  if (!s.has_events) e.head.push_back("events { worker_connections 1024; }");
  added = e.head;
  if (s.http_open == SIZE_MAX) {
    e.head.push_back("http {");
    e.head.insert(e.head.end(), temp.begin(), temp.end());
    l.lines.push_back("}");
    added.push_back("an http block around the file");
  } else {
    auto& after = e.after[s.http_open];
    after.insert(after.begin(), temp.begin(), temp.end());
  }
  for (const auto& t : temp) added.push_back(std::string(trim(t)));
  for (auto& a : added)
    while (a.ends_with(';')) a.pop_back();
  note_added(in, added, notes);
}

std::string assemble(const Lines& l, const Edits& e) {
  Lines out;
  out.trailing_newline = true;
  if (!e.head.empty()) out.lines.emplace_back(kAddedComment);
  out.lines.insert(out.lines.end(), e.head.begin(), e.head.end());
  for (std::size_t i = 0; i < l.lines.size(); ++i) {
    out.lines.push_back(l.lines[i]);
    if (auto it = e.after.find(i); it != e.after.end())
      out.lines.insert(out.lines.end(), it->second.begin(), it->second.end());
  }
  return join_lines(out);
}

}  // namespace nginx_conf
}  // namespace

std::vector<FoundMember> nginx_members(std::string_view text) {
  using namespace nginx_conf;
  return scan(split_lines(text)).members;
}

Result<Adapted> adapt_nginx(std::string_view text, const AdaptInput& in) {
  using namespace nginx_conf;
  Lines l = split_lines(text);
  const NginxScan s = scan(l);
  Adapted out;
  if (s.servers.empty())
    return Error{
        fmt::format("{}: no server block, so nothing listens on the address "
                    "stickycheck gives the proxy; add one with `listen {{{{listen}}}};`",
                    in.file)};
  if (!s.bare_site && s.http_open == SIZE_MAX)
    return Error{fmt::format("{}: the server block is not inside an http block", in.file)};
  if (auto st = remap_members(l, s.members, in, "upstream servers", out.notes); !st)
    return st.error();
  place_files(l, in, out.notes);
  Edits e;
  bind_listen(l, s, in, e, out.notes);
  add_missing(s, in, e, l, out.notes);
  out.text = assemble(l, e);
  return out;
}

}  // namespace sc::adapt
