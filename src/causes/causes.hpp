#pragma once
// The catalogue of causes: why a configuration loses sticky sessions and what fixes it, in
// one place, so that `run`'s diagnosis, `probe`'s causes and `lint`'s findings say the same
// thing in the same words. Each entry is the reusable part of a sentence; the callers add
// their own evidence (figures from a run, a file and line). Pure, no dependencies above util.
#include <string>
#include <string_view>

namespace sc {

// What to do when mod_proxy_balancer's sticky cookie carries no route: the balancer-side recipe
// first, then the backend-side fixes.
std::string route_cookie_remedy();

// Why a session cookie without a route never sticks behind mod_proxy_balancer.
std::string_view no_route_means_afresh();

// Why a balancer that hashes a cookie the backends set moves sessions after their first
// request (`how`: "nginx `hash $cookie_NAME` hashes an empty key, ..."), and the remedy.
std::string first_request_unhashed(std::string_view how);
std::string_view first_request_unhashed_remedy();
// nginx's own words for `how` above.
std::string_view nginx_cookie_hash_how();

// Why a balancer that picks the backend by client address (`how`) cannot spread clients that
// share an address.
std::string address_hash_why(std::string_view how);
std::string_view nginx_ip_hash_how();   // "nginx ip_hash, which hashes only the first three..."
std::string_view haproxy_source_how();  // "HAProxy balance source"
std::string_view caddy_ip_hash_how();   // "Caddy lb_policy ip_hash"

// The parameters a balancer (ProxySet, ProxyPass balancer://) takes, and httpd's own words
// for one it does not know, with the nearest known one ("unknown Balancer parameter
// 'failover' (did you mean 'nofailover'?)"); "" for a known one. `key` as written.
std::string unknown_balancer_parameter(std::string_view key);

// Why socket.io's long-polling meets "Session ID unknown" behind a balancer that does not
// stick, and the three fixes (socket.io's documentation, "Using multiple nodes").
std::string_view socketio_session_unknown_why();
std::string socketio_session_unknown_remedy();
// Why a socket.io client's upgrade to WebSocket fails behind a proxy of `type` (apache,
// reference, nginx, haproxy, caddy...), and what carries it; `reached_other_node`: the
// upgrade met "Session ID unknown" (it went to another node than the polls).
std::string socketio_upgrade_remedy(std::string_view type, bool reached_other_node);
// What ends socket.io long-polls early behind a proxy of `type`: its timeout for an upstream
// answer, to be raised above `need_seconds` (the nodes' pingInterval + pingTimeout).
std::string socketio_poll_timeout_remedy(std::string_view type, long long need_seconds);

// Why HAProxy's inserted cookie needs `indirect` and `nocache`, and the fix.
std::string_view haproxy_insert_options_why();

}  // namespace sc
