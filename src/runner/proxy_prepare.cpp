#include "runner/proxy_prepare.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "proxies/config_adapt.hpp"
#include "runner/config_template.hpp"
#include "runner/proxy_check.hpp"
#include "runner/tls_certificate.hpp"
#include "util/text.hpp"

namespace sc {

std::string find_in_path(const std::string& exe) {
  if (exe.find('/') != std::string::npos) return ::access(exe.c_str(), X_OK) == 0 ? exe : "";
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  dirs += ":/usr/local/sbin:/usr/sbin:/sbin";
  for (auto dir : split(dirs, ':')) {
    std::string candidate = std::string(dir) + "/" + exe;
    if (!dir.empty() && ::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

namespace {

TemplateValues run_values(const Scenario& s, const std::string& runtime_dir,
                          const LaunchPlan& plan) {
  TemplateValues values;
  values.listen_port = plan.proxy.port;
  values.runtime_dir = runtime_dir;
  for (std::size_t i = 0; i < s.backends.size(); ++i)
    values.backends.push_back({s.backends[i].options.name, s.backends[i].options.route,
                               plan.backends[i].port, fmt::format("{}", s.backends[i].weight)});
  return values;
}

// "mod_unixd.c" and the like, as `apache2 -l` lists them.
std::vector<std::string> compiled_modules(ProcessLauncher& launcher, const std::string& exe,
                                          const std::string& runtime_dir) {
  ChildSpec spec{"apache modules", exe, {"-l"}, runtime_dir + "/apache-modules.log", "", "", {}};
  std::vector<std::string> out;
  auto listed = run_for_output(launcher, spec, std::chrono::seconds(10));
  if (!listed) return out;
  for (auto line : split(listed->text, '\n'))
    if (trim(line).ends_with(".c")) out.emplace_back(trim(line));
  return out;
}

AdaptInput adapt_input(const Scenario& s, const TemplateValues& values) {
  AdaptInput in;
  in.file = s.proxy.config;
  in.listen = fmt::format("127.0.0.1:{}", values.listen_port);
  in.path = s.traffic.path;
  in.runtime_dir = values.runtime_dir;
  for (const auto& b : values.backends) {
    in.backend_names.push_back(b.name);
    in.backend_addresses.push_back(fmt::format("127.0.0.1:{}", b.port));
  }
  in.members = s.proxy.members;
  in.tls_cert = values.runtime_dir + "/stickycheck-tls-cert.pem";
  in.tls_key = values.runtime_dir + "/stickycheck-tls-key.pem";
  in.tls_bundle = values.runtime_dir + "/stickycheck-tls.pem";
  return in;
}

// The template's text was read when the scenario was resolved; it is rendered for this run,
// then adapted to it.
// A site served over TLS (nginx's `listen ... ssl`) gets the run's own certificate for its
// names; the driver then speaks https and trusts it, so Secure cookies behave as in production.
std::string serve_tls(const Adapted& adapted, const AdaptInput& in, LaunchPlan& plan,
                      Prepared& prepared) {
  if (!adapted.tls) return "";
  if (auto made = make_tls_certificate(adapted.server_names,
                                       {in.tls_cert, in.tls_key, adapted.tls_bundle ? in.tls_bundle : ""});
      !made)
    return made.error().message;
  plan.proxy_url.replace(0, plan.proxy_url.find(':'), "https");
  plan.proxy_cacert = in.tls_cert;
  prepared.notes.push_back(fmt::format(
      "{}: served over TLS with a certificate made for this run ({}); the sessions speak "
      "https and trust it",
      in.file, adapted.server_names.empty() ? "localhost" : adapted.server_names.front()));
  return "";
}

// Whether `path` is under `prefix` as httpd's ProxyPass matches it ("/shop" serves
// "/shop/cart" and "/shop", not "/shopping").
bool served_under(std::string_view path, std::string_view prefix) {
  if (prefix == "/" || path == prefix) return true;
  if (!path.starts_with(prefix)) return false;
  return prefix.ends_with('/') || path[prefix.size()] == '/' || path[prefix.size()] == '?';
}

// The sessions go where the configuration proxies: its first balancer path when the scenario
// names no traffic.path and "/" is not proxied (a <Location /shop> site).
void aim_at_path(const Scenario& s, const Adapted& adapted, const std::string& file,
                 LaunchPlan& plan, Prepared& prepared) {
  if (adapted.paths.empty()) return;
  const bool served = std::any_of(adapted.paths.begin(), adapted.paths.end(),
                                  [&](const std::string& p) { return served_under(s.traffic.path, p); });
  if (served) return;
  // The path goes into the request line: visible ASCII only, as traffic.path must be.
  const auto& path = adapted.paths.front();
  const bool sendable = path.starts_with('/') && std::all_of(path.begin(), path.end(), [](char c) {
                          return c > 0x20 && c < 0x7f;
                        });
  if (!s.traffic.path_given && sendable) {
    plan.site_path = path;
    prepared.notes.push_back(fmt::format("{}: the sessions ask for {}, the path the configuration "
                                         "sends to its balancer (set traffic.path to ask for "
                                         "another)",
                                         file, plan.site_path));
    return;
  }
  prepared.notes.push_back(fmt::format("{}: traffic.path {} is not under a path the "
                                       "configuration sends to its balancer ({}): its answers "
                                       "will not come from the backends",
                                       file, s.traffic.path, printable(adapted.paths.front())));
}

std::string render_config(const Scenario& s, const TemplateValues& values, LaunchPlan& plan,
                          ProcessLauncher& launcher, Prepared& prepared) {
  auto rendered = render_config_template(s.proxy.config_text, s.proxy.config, values);
  if (!rendered) return rendered.error().message;
  AdaptInput in = adapt_input(s, values);
  // Included files were spliced in: notes and errors name their own lines (when rendering the
  // template kept every line where it was).
  if (!s.proxy.config_origins.empty() &&
      static_cast<std::size_t>(std::count(rendered->begin(), rendered->end(), '\n')) ==
          s.proxy.config_origins.size())
    in.origins = s.proxy.config_origins;
  prepared.notes = s.proxy.config_include_notes;
  if (s.proxy.type == "apache")
    in.compiled_modules = compiled_modules(launcher, plan.proxy.spec.exe, values.runtime_dir);
  auto adapted = adapt_config(s.proxy.type, *rendered, in);
  if (!adapted) return adapted.error().message;
  prepared.notes.insert(prepared.notes.end(), adapted->notes.begin(), adapted->notes.end());
  prepared.origins = in.origins;
  prepared.lines_before = adapted->lines_before;
  // A template line that expands ({{each_backend}}) moves the lines after it.
  const auto lines_of = [](std::string_view t) { return std::count(t.begin(), t.end(), '\n'); };
  prepared.keeps_lines = adapted->keeps_lines && (!in.origins.empty() ||
                                                  lines_of(*rendered) == lines_of(s.proxy.config_text));
  std::erase_if(adapted->server_names, [](const std::string& n) { return !valid_host_name(n); });
  if (!adapted->server_names.empty() && s.traffic.host.empty()) {
    plan.site_host = adapted->server_names.front();
    prepared.notes.push_back(fmt::format("{}: the sessions ask for {}, the name the site "
                                         "serves (set traffic.host to ask for another)",
                                         in.file, plan.site_host));
  }
  aim_at_path(s, *adapted, in.file, plan, prepared);
  if (auto why = serve_tls(*adapted, in, plan, prepared); !why.empty()) return why;
  std::ofstream out(plan.proxy_config, std::ios::binary);
  out << adapted->text;
  if (!out) return fmt::format("cannot write {}", plan.proxy_config);
  return "";
}

std::string render_command(const Scenario& s, TemplateValues values, const std::string& self_exe,
                           LaunchPlan& plan) {
  values.extra.push_back({"stickycheck", self_exe});
  if (!plan.proxy_config.empty()) values.extra.push_back({"config", plan.proxy_config});
  std::vector<std::string> argv;
  for (std::size_t i = 0; i < s.proxy.command.size(); ++i) {
    auto args = render_template_line(s.proxy.command[i], values);
    if (!args) return fmt::format("proxy.command[{}]: {}", i, args.error().message);
    argv.insert(argv.end(), args->begin(), args->end());
  }
  plan.proxy.spec.exe = argv.front();
  plan.proxy.spec.args.assign(argv.begin() + 1, argv.end());
  return "";
}

}  // namespace

Prepared prepare_proxy(const Scenario& s, const std::string& self_exe,
                       const std::string& runtime_dir, LaunchPlan& plan,
                       ProcessLauncher& launcher) {
  const TemplateValues values = run_values(s, runtime_dir, plan);
  if (plan.render_command)
    if (auto why = render_command(s, values, self_exe, plan); !why.empty())
      return {why, false, {}};
  if (plan.proxy.start) {
    const std::string exe = find_in_path(plan.proxy.spec.exe);
    // A program of the user's own command line is not a proxy to install: an error, never
    // a skip (a program named without placeholders was looked for when the scenario was read).
    if (exe.empty() && plan.install_hint.empty())
      return {fmt::format("{}: {} is not an executable file, nor found in PATH",
                          plan.proxy.spec.name, plan.proxy.spec.exe),
              false, {}};
    if (exe.empty())
      return {fmt::format("{} is not installed (install it with: {})", plan.proxy.spec.exe,
                          plan.install_hint),
              true, {}};
    plan.proxy.spec.exe = exe;
  }
  Prepared prepared;
  if (!plan.proxy_config.empty())
    prepared.error = render_config(s, values, plan, launcher, prepared);
  return prepared;
}

}  // namespace sc
