#include "proxies/nginx/nginx_lint.hpp"

#include <fmt/format.h>

#include "causes/causes.hpp"
#include "proxies/nginx/nginx_site.hpp"
#include "proxies/nginx/nginx_syntax.hpp"

namespace sc::nginx {
namespace {

using Context = FindingSink;

void hash_rules(const std::string& pool, const Directive& d, Context& c) {
  const HashKey key = read_hash_key(d);
  if (!key.meant.empty())
    c.add("nginx/cookie-variable-name", d.name.line,
          fmt::format("hash {} in upstream {}: nginx reads the cookie `{}` followed by the text "
                      "\"{}\", not the cookie `{}`",
                      key.written, pool, key.cookies.front(), key.literal_after, key.meant),
          "a variable name runs over letters, digits and '_' only; the cookie nginx reads is "
          "never set, every key is the same text, and all sessions hash to one server",
          fmt::format("hash by a cookie whose name nginx can spell, or map it first: map "
                      "$http_cookie $sticky {{ \"~{}=(?<v>[^;]+)\" $v; }} and hash $sticky "
                      "consistent",
                      key.meant), d.args.front().column);
  else if (!key.cookies.empty())
    c.add("nginx/hash-cookie-first-request", d.name.line,
          fmt::format("hash {} in upstream {}: a session's first request carries no {} yet",
                      key.written, pool, key.cookies.front()),
          first_request_unhashed(nginx_cookie_hash_how()),
          std::string(first_request_unhashed_remedy()), d.name.column);
  if (!d.has_arg("consistent"))
    c.add("nginx/hash-without-consistent", d.name.line,
          fmt::format("hash {} in upstream {} without `consistent`", d.arg(), pool),
          "without consistent hashing, adding or removing one server remaps most keys, and "
          "most sessions move to a server that does not hold them",
          fmt::format("write `hash {} consistent;` (ketama)", d.arg()), d.name.column);
}

void upstream_rules(const Directive& upstream, Context& c) {
  const std::string& pool = upstream.arg();
  for (const auto& d : upstream.children) {
    const std::string& name = d.name.text;
    if (name == "hash" && !d.args.empty()) hash_rules(pool, d, c);
    if (name == "ip_hash")
      c.add("nginx/ip-hash", d.name.line,
            fmt::format("ip_hash in upstream {}", pool),
            address_hash_why(nginx_ip_hash_how()) +
                "; it works only while clients reach nginx from addresses of their own",
            "behind a proxy or a NAT, hash a cookie the application sets on its first answer "
            "(hash $cookie_NAME consistent), knowing its first request is unbound, or use a "
            "balancer that inserts its own cookie", d.name.column);
    if (name == "sticky")
      c.add("nginx/sticky-open-source", d.name.line,
            fmt::format("sticky in upstream {}: open-source nginx has no such directive", pool),
            "`sticky` is nginx Plus (or a third-party module); nginx as Debian ships it refuses "
            "the file with \"unknown directive\" and does not start",
            "use `hash $cookie_NAME consistent;` (open source), or run nginx Plus or Angie", d.name.column);
  }
}

}  // namespace

Result<std::vector<Finding>> lint(std::string_view text, const std::string& file) {
  auto config = parse(text, file);
  if (!config) return config.error();
  Context c{file, {}};
  for (const auto& f : find_all(config->directives, "upstream")) upstream_rules(*f.directive, c);
  return c.out;
}

}  // namespace sc::nginx
