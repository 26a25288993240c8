// The Apache, HAProxy and Caddy grammars and their adapters, and every kind's lint rules, on
// arbitrary text: an error or a result, never a crash; a chosen pool or proxy is one of the
// parsed ones; a finding's line is a line of the text.
#include <algorithm>
#include <cstdint>
#include <string_view>
#include <vector>

#include "proxies/apache/apache_includes.hpp"
#include "proxies/apache/apache_syntax.hpp"
#include "proxies/caddy/caddy_syntax.hpp"
#include "fuzz_adapt_input.hpp"
#include "proxies/config_adapt.hpp"
#include "proxies/apache/apache_lint.hpp"
#include "proxies/caddy/caddy_lint.hpp"
#include "proxies/haproxy/haproxy_lint.hpp"
#include "proxies/haproxy/haproxy_syntax.hpp"
#include "proxies/nginx/nginx_lint.hpp"
#include "proxies/proxy_detect.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)sc::apache::parse(text, "fuzz.conf");
  (void)sc::apache::include_sites(text);
  const auto h = sc::haproxy::parse(text);
  const auto pool = sc::haproxy::choose_pool(h, "/api/x");
  if (pool.pool && (pool.pool->kind != "backend" && pool.pool->kind != "listen")) __builtin_trap();
  if (auto c = sc::caddy::parse(text, "Caddyfile"); c.ok()) {
    const auto p = sc::caddy::choose_proxy(*c, "/api/x");
    if (p.proxy && p.proxy->name() != "reverse_proxy") __builtin_trap();
    if (p.proxy) (void)sc::caddy::upstreams_of(*p.proxy);
  }
  const std::size_t lines = 1 + static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
  auto check = [&](const std::vector<sc::Finding>& findings) {
    for (const auto& f : findings)
      if (f.line > lines || !sc::find_lint_rule(f.rule)) __builtin_trap();
  };
  if (auto f = sc::apache::lint(text, "fuzz.conf"); f.ok()) check(*f);
  if (auto f = sc::nginx::lint(text, "fuzz.conf"); f.ok()) check(*f);
  if (auto f = sc::caddy::lint(text, "Caddyfile"); f.ok()) check(*f);
  check(sc::haproxy::lint(text, "haproxy.cfg"));
  (void)sc::detect_proxy_kind(text);
  const sc::AdaptInput in = sc::fuzz::adapt_input();
  for (const char* type : {"apache", "haproxy", "caddy"}) (void)sc::adapt_config(type, text, in);
  return 0;
}
