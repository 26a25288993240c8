#include "runner/launch_plan.hpp"

#include <fmt/format.h>

#include "balancer/manager.hpp"
#include "proxies/proxy_kinds.hpp"

namespace sc {

namespace {

std::string replace_all(std::string_view text, std::string_view from, const std::string& to) {
  std::string out;
  std::size_t i = 0;
  for (auto pos = text.find(from); pos != std::string_view::npos; pos = text.find(from, i)) {
    out.append(text.substr(i, pos - i)).append(to);
    i = pos + from.size();
  }
  out.append(text.substr(i));
  return out;
}

std::string loadfactor_text(double w) {
  return w == static_cast<long long>(w) ? fmt::format("{}", static_cast<long long>(w))
                                        : fmt::format("{}", w);
}

PlannedChild plan_backend(const BackendSpec& spec, std::uint16_t port, const std::string& self_exe,
                          const std::string& runtime_dir) {
  const auto& b = spec.options;
  PlannedChild c;
  c.port = port;
  c.start = spec.start;
  c.spec.name = "backend " + b.name;
  c.spec.exe = self_exe;
  c.spec.log_path = fmt::format("{}/backend-{}.log", runtime_dir, b.name);
  c.spec.args = {"backend",
                 "--name", b.name,
                 "--listen", fmt::format("127.0.0.1:{}", c.port),
                 "--route", b.route,
                 "--session-cookie", b.session_cookie,
                 "--id-style", b.id_style == IdStyle::kSuffix ? "suffix" : "php",
                 "--id-separator", std::string(1, b.id_separator),
                 "--session-max", std::to_string(b.session_max),
                 "--session-lifetime", fmt::format("{}ms", b.session_lifetime.count()),
                 "--socketio-path", b.realtime.path,
                 "--ping-interval", fmt::format("{}ms", b.realtime.ping_interval.count()),
                 "--ping-timeout", fmt::format("{}ms", b.realtime.ping_timeout.count()),
                 "--websocket-path=" + b.realtime.websocket_path};
  if (!b.route_cookie.empty()) {
    c.spec.args.insert(c.spec.args.end(),
                       {"--route-cookie", b.route_cookie, "--route-cookie-when",
                        b.route_cookie_when == RouteCookieWhen::kSessionStart ? "session-start"
                                                                               : "always"});
  }
  if (b.strict) c.spec.args.push_back("--strict");
  return c;
}

// A real proxy: its executable and arguments from its kind, its configuration rendered into
// the runtime directory.
void plan_real_proxy(LaunchPlan& plan, const ProxySpec& p, const ProxyKind& kind,
                     const std::string& runtime_dir) {
  auto& proxy = plan.proxy;
  proxy.spec.name = fmt::format("proxy ({})", p.type);
  proxy.spec.exe = std::string(kind.exe);
  plan.proxy_config = fmt::format("{}/{}", runtime_dir, kind.config_name);
  auto fill = [&](std::string_view a) {
    return replace_all(replace_all(a, "{config}", plan.proxy_config), "{runtime_dir}",
                       runtime_dir);
  };
  for (auto a : kind.args) proxy.spec.args.push_back(fill(a));
  for (auto e : kind.env) proxy.spec.env.push_back(fill(e));
  plan.install_hint = std::string(kind.install_hint);
}

// The reference balancer: from an Apache template, the user's Apache configuration, or the
// scenario's own keys (`members`: one "URL route=R loadfactor=W" per backend).
void plan_reference(LaunchPlan& plan, const ProxySpec& p, const ProxyKind* kind,
                    const std::string& self_exe, const std::string& runtime_dir,
                    const std::vector<std::string>& members) {
  auto& proxy = plan.proxy;
  proxy.spec.name = "proxy (reference balancer)";
  proxy.spec.exe = self_exe;
  auto& args = proxy.spec.args;
  // The manager serves the drain/disable/enable disturbances, to local clients only.
  args = {"balancer", "--listen", fmt::format("127.0.0.1:{}", proxy.port), "--manager",
          std::string(kManagerPath)};
  if (!p.config.empty()) {
    // An Apache template, rendered with the backends' addresses as httpd would get it.
    plan.proxy_config = fmt::format("{}/{}", runtime_dir, kind->config_name);
    args.insert(args.end(), {"--apache-conf", plan.proxy_config});
  } else if (!p.apache_conf.empty()) {
    // The user's own configuration, its members pointed at the mock backends in order.
    args.insert(args.end(), {"--apache-conf", p.apache_conf});
    for (const auto& b : plan.backends)
      args.insert(args.end(), {"--member-url", fmt::format("http://127.0.0.1:{}", b.port)});
  } else {
    for (const auto& m : members) args.insert(args.end(), {"--member", m});
    auto set = [&](const std::string& kv) { args.insert(args.end(), {"--set", kv}); };
    if (!p.stickysession.empty()) set("stickysession=" + p.stickysession);
    set("stickysessionsep=" +
        (p.separator() == 0 ? std::string("Off") : std::string(1, p.separator())));
    if (p.scolonpathdelim) set("scolonpathdelim=On");
    if (p.nofailover) set("nofailover=On");
    if (p.maxattempts >= 0) set(fmt::format("maxattempts={}", p.maxattempts));
    set("lbmethod=" + p.lbmethod);
  }
  if (p.debug_log) args.push_back("--debug");
}

}  // namespace

LaunchPlan make_launch_plan(const Scenario& s, const std::string& self_exe,
                            const std::string& runtime_dir,
                            const std::vector<std::uint16_t>& ports) {
  LaunchPlan plan;
  std::vector<std::string> members;
  for (std::size_t i = 0; i < s.backends.size(); ++i) {
    plan.backends.push_back(plan_backend(s.backends[i], ports.at(i), self_exe, runtime_dir));
    members.push_back(fmt::format("http://127.0.0.1:{} route={} loadfactor={}", ports.at(i),
                                  s.backends[i].options.route,
                                  loadfactor_text(s.backends[i].weight)));
  }
  const auto& p = s.proxy;
  auto& proxy = plan.proxy;
  proxy.port = ports.at(s.backends.size());
  plan.proxy_url = fmt::format("http://127.0.0.1:{}", proxy.port);
  proxy.spec.log_path = runtime_dir + "/proxy.log";
  const ProxyKind* kind = find_proxy_kind(p.type);
  if (p.type == "external") {
    proxy.start = false;
    proxy.port = 0;
    proxy.spec.name = "proxy (external)";
    plan.proxy_url = p.url;
  } else if (kind && kind->real) {
    plan_real_proxy(plan, p, *kind, runtime_dir);
  } else if (p.type == "command") {
    proxy.spec.name = "proxy (command)";
    proxy.spec.exe = p.command.front();
    proxy.spec.args.assign(p.command.begin() + 1, p.command.end());
    if (!p.config.empty()) plan.proxy_config = fmt::format("{}/{}", runtime_dir, kind->config_name);
    plan.render_command = true;
  } else {
    plan_reference(plan, p, kind, self_exe, runtime_dir, members);
  }
  return plan;
}

}  // namespace sc
