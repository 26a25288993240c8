#pragma once
// The proxy types a scenario can put under test, and how each real one is started: data,
// so that the parser, the launch plan and the conformance matrix agree on them.
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
};

// In the conformance matrix's column order.
std::span<const ProxyKind> proxy_kinds();
const ProxyKind* find_proxy_kind(std::string_view type);
// "reference, apache, haproxy, ..." for messages.
std::string_view proxy_type_list();

}  // namespace sc
