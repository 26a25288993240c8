#pragma once
// Which proxy a configuration is written for, from its text alone (lint without --proxy).
// Pure.
#include <string>
#include <string_view>

namespace sc {

// "apache", "haproxy", "nginx", "caddy", or "" when the text says too little: each kind's
// unmistakable words are counted (Apache's <Proxy>/BalancerMember/ProxyPass, HAProxy's
// frontend/backend/listen sections, nginx's upstream/server blocks and proxy_pass, Caddy's
// reverse_proxy and lb_policy) and the clear winner is taken.
std::string detect_proxy_kind(std::string_view text);

}  // namespace sc
