#pragma once
// The proxy types a scenario can put under test, and how each real one is started: data,
// so that the parser, the launch plan and the conformance matrix agree on them. Each real
// kind's entry lives in its own folder (src/proxies/<kind>/<kind>_kind.cpp).
#include <span>
#include <string_view>
#include <vector>

namespace sc {

struct ProxyKind {
  std::string_view type;
  // A real proxy started from a configuration template (apache, haproxy, nginx, caddy).
  bool real = false;
  std::string_view exe;          // looked up in PATH (and the sbin directories)
  std::string_view config_name;  // the rendered template's file name in the runtime dir
  // Its command line; "{config}" and "{runtime_dir}" are replaced. Each keeps the proxy in
  // the foreground, logging to stderr (which goes to the proxy's log file).
  std::vector<std::string_view> args;
  std::vector<std::string_view> env;  // "NAME=value", "{runtime_dir}" replaced
  std::string_view install_hint;      // "apt-get install haproxy"
  std::string_view example;           // a template under fixtures/ to start from
  std::string_view version_arg;       // makes the executable print its version and exit
  // Its configuration checker's arguments, placeholders as in args (apache2 -t, haproxy -c).
  std::vector<std::string_view> check_args;
  // Lower-case text of its log lines that say a member could not be reached or none is left
  // (Apache's AH codes, nginx's upstream errors...): the causes quote those lines.
  std::vector<std::string_view> failure_marks;
};

// In the conformance matrix's column order.
std::span<const ProxyKind> proxy_kinds();
const ProxyKind* find_proxy_kind(std::string_view type);
// Whether a log line (lower case) says a member could not be reached, in any kind's words
// (a command's proxy may be any of them) or a connection's own ("connection refused").
bool names_member_failure(std::string_view lower_line);

namespace proxies {
const ProxyKind& apache_kind();
const ProxyKind& haproxy_kind();
const ProxyKind& nginx_kind();
const ProxyKind& caddy_kind();
}  // namespace proxies

}  // namespace sc
