#include "proxies/proxy_detect.hpp"

#include <array>
#include <initializer_list>

#include "util/text.hpp"

namespace sc {
namespace {

bool one_of(std::string_view word, std::initializer_list<std::string_view> words) {
  for (auto w : words)
    if (word == w) return true;
  return false;
}

// The kind one line speaks for, by its first word and how it ends; -1 for none. The order is
// detect's: 0 apache, 1 haproxy, 2 nginx, 3 caddy.
int kind_of_line(std::string_view line) {
  line = trim(line);
  if (line.empty() || line.front() == '#') return -1;
  const std::string first = to_lower(line.substr(0, line.find_first_of(" \t>")));
  const char last = line.back();
  if (first.starts_with("<") &&
      one_of(std::string_view(first).substr(first.starts_with("</") ? 2 : 1),
             {"proxy", "virtualhost", "location", "ifmodule", "ifdefine", "directory", "files"}))
    return 0;
  if (one_of(first, {"balancermember", "proxypass", "proxypassreverse", "proxyset",
                     "proxypreservehost", "loadmodule", "documentroot", "errorlog", "customlog",
                     "rewriteengine", "rewriterule", "rewritecond", "serveralias"}))
    return 0;
  if (last != '{' && last != ';' &&
      one_of(first, {"frontend", "backend", "listen", "defaults", "global", "default_backend",
                     "use_backend"}))
    return 1;
  if (last == ';' && one_of(first, {"proxy_pass", "listen", "server_name", "ip_hash", "hash",
                                    "proxy_set_header", "keepalive", "root", "include"}))
    return 2;
  if (last == '{' && one_of(first, {"upstream", "server", "http", "events", "location"})) return 2;
  if (last != ';' &&
      one_of(first, {"reverse_proxy", "lb_policy", "handle_path", "handle", "encode", "file_server",
                     "respond", "redir", "import", "header_up", "health_uri"}))
    return 3;
  return -1;
}

}  // namespace

std::string detect_proxy_kind(std::string_view text) {
  static constexpr std::array<std::string_view, 4> kKinds = {"apache", "haproxy", "nginx", "caddy"};
  std::array<std::size_t, 4> counts{};
  std::size_t at = 0;
  while (at < text.size()) {
    auto end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    if (int k = kind_of_line(text.substr(at, end - at)); k >= 0)
      ++counts[static_cast<std::size_t>(k)];
    at = end + 1;
  }
  std::size_t best = 0, second = 0, kind = 0;
  for (std::size_t k = 0; k < counts.size(); ++k) {
    if (counts[k] > best) {
      second = best, best = counts[k], kind = k;
    } else if (counts[k] > second) {
      second = counts[k];
    }
  }
  // A tie says nothing; so does a file with no marks at all.
  return best > 0 && best > second ? std::string(kKinds[kind]) : "";
}

}  // namespace sc
