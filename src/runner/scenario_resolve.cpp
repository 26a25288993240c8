#include "runner/scenario_resolve.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "balancer/apache_conf.hpp"
#include "balancer/rewrite_rules.hpp"
#include "runner/apache_site_values.hpp"
#include "proxies/config_adapt.hpp"
#include "proxies/config_includes.hpp"
#include "runner/config_template.hpp"
#include "runner/proxy_prepare.hpp"
#include "proxies/proxy_kinds.hpp"
#include "scenario/node_reader.hpp"
#include "scenario/users_csv.hpp"
#include "util/text.hpp"

namespace sc {

namespace {

// Collects located errors against the scenario file.
struct Errors {
  const Scenario& s;
  std::vector<std::string> lines;
  void add(SourceMark at, const std::string& key, const std::string& message) {
    lines.push_back(located_error(s.file, at, key, message));
  }
};

// Values that satisfy every placeholder, so a template's own mistakes show before a run; the
// ports differ, as a run's do, so that members rendered from {{address}} tell backends apart.
TemplateValues placeholder_values(const Scenario& s) {
  TemplateValues v;
  v.listen_port = 1;
  v.runtime_dir = "/tmp/stickycheck.RUNTIME";
  std::uint16_t port = 2;
  for (const auto& b : s.backends)
    v.backends.push_back({b.options.name, b.options.route, port++, "1"});
  return v;
}

// A relative path in a scenario names a file beside it (lexically: "scenarios/../fixtures/a"
// reads "fixtures/a").
std::string beside_scenario(const std::string& scenario_file, const std::string& path) {
  namespace fs = std::filesystem;
  if (path.empty() || fs::path(path).is_absolute()) return path;
  return (fs::path(scenario_file).parent_path() / path).lexically_normal().string();
}

// Why a file cannot be read, in the system's words.
std::string unreadable_reason(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return std::strerror(errno);
  std::fclose(f);
  return "it is not a readable file";
}

// The rendered configuration must adapt to a run: a listen directive to replace, members
// to map, no file written outside the runtime directory (proxies/config_adapt.hpp).
void check_adaptable(Errors& err, const Scenario& s, const std::string& rendered) {
  const ProxyKind* kind = find_proxy_kind(s.proxy.type);
  if (!kind || !kind->real) return;
  const TemplateValues v = placeholder_values(s);
  AdaptInput in;
  in.file = s.proxy.config;
  in.listen = fmt::format("127.0.0.1:{}", v.listen_port);
  in.path = s.traffic.path;
  in.runtime_dir = v.runtime_dir;
  for (const auto& b : v.backends) {
    in.backend_names.push_back(b.name);
    in.backend_addresses.push_back(fmt::format("127.0.0.1:{}", b.port));
  }
  in.members = s.proxy.members;
  if (static_cast<std::size_t>(std::count(rendered.begin(), rendered.end(), '\n')) ==
      s.proxy.config_origins.size())
    in.origins = s.proxy.config_origins;
  if (auto adapted = adapt_config(s.proxy.type, rendered, in); !adapted)
    err.add(s.proxy.config_mark, "proxy.config", adapted.error().message);
}

// A parsed Apache configuration (the reference balancer's apache_conf or config, or an Apache
// template): it must pair one BalancerMember with each backend and map the traffic's path;
// the backends take the members' routes and the diagnosis watches the first balancer's cookie.
// `path_from_file`: without traffic.path the run asks for the path the file maps (a `config:`,
// adapted before the run); an `apache_conf:` is served as it is, at traffic.path.
void apply_apache_site(Errors& err, SourceMark at, const std::string& key, const std::string& file,
                       std::string_view text, const SiteConfig& site, Scenario& s,
                       bool path_from_file) {
  auto& p = s.proxy;
  // With several balancers, the one the traffic's path reaches (httpd's first matching
  // ProxyPass; without traffic.path, the first) is the one paired with the backends.
  int chosen = -1;
  // A [P] RewriteRule comes first, as in httpd: the balancer a plain request for the path
  // reaches (socket.io's recipe: the polls' balancer, not the WebSocket one).
  const auto rewritten =
      site.rewrites ? apply_rewrite_rules(*site.rewrites, s.traffic.path, "",
                                          [](std::string_view) { return std::string_view(); })
                    : std::nullopt;
  if (rewritten && site.balancers.size() > 1 && path_from_file) chosen = rewritten->balancer;
  if (chosen < 0 && site.balancers.size() > 1 && path_from_file) {
    for (const auto& route : site.routes)
      if (route.balancer >= 0 && s.traffic.path.rfind(route.prefix, 0) == 0) {
        chosen = route.balancer;
        break;
      }
    if (chosen < 0 && !s.traffic.path_given)
      for (const auto& route : site.routes)
        if (route.balancer >= 0) {
          chosen = route.balancer;
          break;
        }
  }
  std::vector<const MemberConfig*> members;
  for (std::size_t i = 0; i < site.balancers.size(); ++i)
    if (chosen < 0 || static_cast<int>(i) == chosen)
      for (const auto& m : site.balancers[i].members) members.push_back(&m);
  if (members.size() != s.backends.size()) {
    err.add(at, key,
            fmt::format("{} declares {} BalancerMembers, but the scenario has {} backends; they "
                        "are paired in order",
                        file, members.size(), s.backends.size()));
    return;
  }
  // Per member of every balancer, in order (the other balancers' take none).
  std::vector<bool> takes_route;
  std::size_t paired = 0;
  for (std::size_t i = 0; i < site.balancers.size(); ++i)
    for (const auto& m : site.balancers[i].members) {
      if (chosen >= 0 && static_cast<int>(i) != chosen) {
        takes_route.push_back(false);
        continue;
      }
      auto& b = s.backends[paired++];
      takes_route.push_back(!b.route_given && !m.route.empty());
      if (takes_route.back()) b.options.route = m.route;
    }
  // What the file hands to the backends and the checks must pass their checks now, not when
  // a backend refuses it half-way through starting.
  for (const auto& problem : apache_site_value_problems(site, text, file, takes_route))
    err.add(at, key, problem);
  const auto& first = site.balancers[chosen < 0 ? 0 : static_cast<std::size_t>(chosen)];
  p.stickysession = first.sticky.cookie_name;
  p.stickysessionsep = first.sticky.separator ? std::string(1, first.sticky.separator) : "Off";
  bool mapped = rewritten.has_value(), any = false;
  for (const auto& route : site.routes) {
    mapped = mapped || (route.balancer >= 0 && s.traffic.path.rfind(route.prefix, 0) == 0);
    any = any || route.balancer >= 0;
  }
  // Without traffic.path the run asks for the path the file sends to its balancer (a
  // <Location /shop> or ProxyPass /shop), as for Apache itself.
  if (!mapped && !(path_from_file && any && !s.traffic.path_given))
    err.add(at, key,
            fmt::format("no ProxyPass in {} maps traffic.path '{}' to a balancer", file,
                        s.traffic.path));
}

void resolve_config_template(Errors& err, Scenario& s) {
  auto& p = s.proxy;
  p.config = beside_scenario(s.file, p.config);
  auto text = read_text_file(p.config);
  if (!text) {
    err.add(p.config_mark, "proxy.config",
            fmt::format("cannot read the configuration {}: {}", p.config,
                        unreadable_reason(p.config)));
    return;
  }
  p.config_text = std::move(*text);
  if (p.type == "apache" || p.type == "reference" || p.type == "nginx" || p.type == "caddy") {
    auto spliced = splice_includes(p.type, p.config, p.config_text);
    if (!spliced) {
      err.add(p.config_mark, "proxy.config", spliced.error().message);
      return;
    }
    if (!spliced->origins.empty()) {  // includes read or left out: the text without them
      p.config_text = std::move(spliced->text);
      p.config_origins = std::move(spliced->origins);
    }
    p.config_include_notes = std::move(spliced->notes);
  }
  auto rendered = render_config_template(p.config_text, p.config, placeholder_values(s));
  if (!rendered) {
    err.add(p.config_mark, "proxy.config", rendered.error().message);
    return;
  }
  const std::size_t errors_before = err.lines.size();
  check_adaptable(err, s, *rendered);
  if (err.lines.size() > errors_before) return;
  if (p.type != "reference" && p.type != "apache") return;
  // The reference balancer reads this configuration: it must parse. Apache judges its own;
  // when the balancer part reads, it names the sticky cookie for the diagnosis.
  auto site = parse_apache_conf(*rendered, p.config);
  if (!site) {
    if (p.type == "reference")
      err.add(p.config_mark, "proxy.config",
              relocate_lines(site.error().message, p.config, p.config_origins));
    return;
  }
  if (site->balancers.empty()) {
    if (p.type == "reference")
      err.add(p.config_mark, "proxy.config",
              fmt::format("{} declares no <Proxy balancer://...>", p.config));
    return;
  }
  if (p.type == "reference" || p.stickysession.empty())
    apply_apache_site(err, p.config_mark, "proxy.config", p.config, *rendered, *site, s, true);
}

void check_command(Errors& err, const Scenario& s) {
  TemplateValues v = placeholder_values(s);
  v.extra.push_back({"stickycheck", "/stickycheck"});
  if (!s.proxy.config.empty()) v.extra.push_back({"config", "/run/proxy.conf"});
  for (std::size_t i = 0; i < s.proxy.command.size(); ++i)
    if (auto line = render_template_line(s.proxy.command[i], v); !line)
      err.add(s.proxy.command_marks.at(i), fmt::format("proxy.command[{}]", i),
              line.error().message);
  // A program named as it is (no placeholder) is looked for now: a typo or a program not
  // installed is the scenario's error, found before anything starts, not a skipped proxy.
  const std::string& program = s.proxy.command.front();
  if (program.find("{{") == std::string::npos && find_in_path(program).empty())
    err.add(s.proxy.command_marks.at(0), "proxy.command[0]",
            fmt::format("{} is not an executable file, nor found in PATH", program));
}

// The columns the steps name as {{user.COLUMN}}, each once.
std::vector<std::string> user_columns_named(const std::vector<StepSpec>& steps) {
  std::vector<std::string> out;
  auto note = [&](std::string_view text) {
    if (auto names = template_variables(text))
      for (const auto& n : *names)
        if (n.starts_with("user.") && std::find(out.begin(), out.end(), n.substr(5)) == out.end())
          out.push_back(n.substr(5));
  };
  for (const auto& st : steps) {
    note(st.path);
    note(st.body);
    for (const auto& [name, value] : st.headers) note(value);
    for (const auto& [name, value] : st.form) note(value);
  }
  return out;
}

// traffic.users read and checked against what the steps name and the sessions at once.
void resolve_users(Errors& err, Scenario& s) {
  auto& t = s.traffic;
  const auto named = user_columns_named(t.steps);
  if (t.users_file.empty()) {
    if (!named.empty())
      err.add(t.steps_mark, "traffic.steps",
              fmt::format("{{{{user.{}}}}} needs traffic.users, a CSV file of users", named[0]));
    return;
  }
  t.users_file = beside_scenario(s.file, t.users_file);
  auto text = read_text_file(t.users_file);
  if (!text)
    return err.add(t.users_mark, "traffic.users",
                   fmt::format("cannot read {}: {}", t.users_file, unreadable_reason(t.users_file)));
  auto table = parse_users_csv(*text, t.users_file);
  if (!table) return err.add(t.users_mark, "traffic.users", table.error().message);
  for (const auto& column : named)
    if (std::find(table->columns.begin(), table->columns.end(), column) == table->columns.end())
      err.add(t.steps_mark, "traffic.steps",
              fmt::format("{{{{user.{}}}}}: {} has no column '{}' (columns: {})", column,
                          t.users_file, column, fmt::join(table->columns, ", ")));
  const auto at_once = static_cast<std::size_t>(std::min(t.concurrency, t.sessions));
  if (t.users_unique && table->rows.size() < at_once)
    err.add(t.users_mark, "traffic.users",
            fmt::format("{} has {} users, fewer than the {} sessions at once, and users_unique "
                        "is on (two sessions of one user can log each other out): add users or "
                        "lower traffic.concurrency",
                        t.users_file, table->rows.size(), at_once));
  t.users = std::move(table->rows);
}

}  // namespace

Status resolve_scenario(Scenario& s) {
  Errors err{s, {}};
  auto& p = s.proxy;
  if (!p.apache_conf.empty()) {
    p.apache_conf = beside_scenario(s.file, p.apache_conf);
    auto text = read_text_file(p.apache_conf);
    auto site = text ? parse_apache_conf(*text, p.apache_conf)
                     : Result<SiteConfig>(Error{
                           fmt::format("{}: cannot read the Apache configuration", p.apache_conf)});
    if (!site)
      err.add(p.apache_conf_mark, "proxy.apache_conf", site.error().message);
    else
      apply_apache_site(err, p.apache_conf_mark, "proxy.apache_conf", p.apache_conf, *text, *site,
                        s, false);
  }
  if (!p.config.empty()) resolve_config_template(err, s);
  if (!p.command.empty()) check_command(err, s);
  resolve_users(err, s);
  if (err.lines.empty()) return ok_status();
  std::string all;
  for (const auto& e : err.lines) all += (all.empty() ? "" : "\n") + e;
  return Error{all};
}

}  // namespace sc
