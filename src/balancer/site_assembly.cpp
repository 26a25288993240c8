#include "balancer/site_assembly.hpp"

#include <fmt/format.h>

#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>

#include "balancer/apache_conf.hpp"

namespace sc {

namespace {

Result<SiteConfig> site_from_sources(const SiteSources& a) {
  if (!a.apache_conf.empty()) {
    if (!a.members.empty() || !a.params.empty())
      return Error{"--apache-conf cannot be combined with --member or --set"};
    auto site = load_apache_conf(a.apache_conf);
    if (!site) return site.error();
    if (!a.listen.empty()) site->listen = a.listen;
    if (site->listen.empty())
      return Error{fmt::format("{}: no Listen directive; give --listen HOST:PORT", a.apache_conf)};
    return site;
  }
  BalancerConfig config;
  for (const auto& line : a.members) {
    auto m = parse_member(line);
    if (!m) return Error{"--member: " + m.error().message};
    config.members.push_back(*m);
  }
  if (config.members.empty()) return Error{"at least one --member is required"};
  for (const auto& kv : a.params)
    if (auto st = apply_balancer_param(config, kv); !st)
      return Error{fmt::format("--set {}: {}", kv, st.error().message)};
  return single_balancer_site(std::move(config), a.listen.empty() ? "127.0.0.1:8080" : a.listen);
}

// The k-th member of the site (in configuration order) gets the k-th URL.
Status override_member_urls(SiteConfig& site, const std::vector<std::string>& urls) {
  if (urls.empty()) return ok_status();
  std::size_t total = 0;
  for (const auto& b : site.balancers) total += b.members.size();
  if (urls.size() != total)
    return Error{fmt::format("--member-url given {} times, but the configuration has {} members",
                             urls.size(), total)};
  std::size_t k = 0;
  for (auto& b : site.balancers) {
    for (auto& m : b.members) {
      auto parsed = parse_member(urls[k++]);
      if (!parsed) return Error{"--member-url: " + parsed.error().message};
      m.url = parsed->url;
      m.host = parsed->host;
      m.port = parsed->port;
      m.path = parsed->path;
    }
  }
  return ok_status();
}

// httpd gives each balancer a fresh UUID nonce at start-up unless ProxySet nonce= sets one.
void generate_nonces(SiteConfig& site) {
  boost::uuids::random_generator uuid;
  for (auto& b : site.balancers)
    if (!b.nonce) b.nonce = boost::uuids::to_string(uuid());
}

}  // namespace

Result<SiteConfig> assemble_site(const SiteSources& sources) {
  auto site = site_from_sources(sources);
  if (!site) return site;
  if (auto st = override_member_urls(*site, sources.member_urls); !st) return st.error();
  if (!sources.manager_path.empty()) {
    if (sources.manager_path[0] != '/')
      return Error{fmt::format("--manager {}: the path must start with '/'", sources.manager_path)};
    site->manager = local_manager(sources.manager_path);
  }
  generate_nonces(*site);
  return site;
}

}  // namespace sc
