#include "proxies/proxy_kinds.hpp"

#include <algorithm>

namespace sc {

namespace {

// The real kinds, each from its folder, then the ones stickycheck runs itself or not at all.
const std::vector<ProxyKind>& kinds() {
  static const std::vector<ProxyKind> k = {
      proxies::apache_kind(),
      proxies::haproxy_kind(),
      proxies::nginx_kind(),
      proxies::caddy_kind(),
      {"reference", false, "", "httpd.conf", {}, {}, "", "", "", {}, {}},
      {"command", false, "", "proxy.conf", {}, {}, "", "", "", {}, {}},
      {"external", false, "", "", {}, {}, "", "", "", {}, {}},
  };
  return k;
}

// What any proxy's connection to a member says when it fails.
constexpr std::string_view kConnectionFailures[] = {"connection refused", "timed out"};

}  // namespace

std::span<const ProxyKind> proxy_kinds() { return kinds(); }

const ProxyKind* find_proxy_kind(std::string_view type) {
  for (const auto& k : kinds())
    if (k.type == type) return &k;
  return nullptr;
}

bool names_member_failure(std::string_view lower_line) {
  const auto in_line = [&](std::string_view mark) {
    return lower_line.find(mark) != std::string_view::npos;
  };
  if (std::any_of(std::begin(kConnectionFailures), std::end(kConnectionFailures), in_line))
    return true;
  for (const auto& k : kinds())
    if (std::any_of(k.failure_marks.begin(), k.failure_marks.end(), in_line)) return true;
  return false;
}

}  // namespace sc
