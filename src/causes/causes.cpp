#include "causes/causes.hpp"

#include <fmt/format.h>

#include <vector>

#include "util/text.hpp"

namespace sc {

std::string route_cookie_remedy() {
  return "add a route cookie at the balancer, with no change to the application (the Apache "
         "manual's recipe): Header add Set-Cookie \"ROUTEID=.%{BALANCER_WORKER_ROUTE}e; path=/\" "
         "env=BALANCER_ROUTE_CHANGED with stickysession=ROUTEID; or have the backends set a "
         "route cookie such as BALANCEID=balancer.<route> and use stickysession=BALANCEID, or "
         "give the session ids a route suffix (id.<route>)";
}

std::string_view socketio_session_unknown_why() {
  return "with HTTP long-polling every poll and POST of a socket.io session must reach the node "
         "that issued its sid; any other node answers HTTP 400 {\"code\":1,\"message\":"
         "\"Session ID unknown\"} and the client reconnects, again and again";
}

std::string socketio_session_unknown_remedy() {
  return "make the balancer stick: a cookie it sets (Apache: Header add Set-Cookie "
         "\"SERVERID=sticky.%{BALANCER_WORKER_ROUTE}e; path=/\" env=BALANCER_ROUTE_CHANGED with "
         "ProxySet stickysession=SERVERID; HAProxy: cookie SERVERID insert indirect nocache; "
         "Caddy: lb_policy cookie), or the client's address (nginx ip_hash, HAProxy balance "
         "source); or have the clients use transports: [\"websocket\"] (one connection per "
         "session needs no stickiness, but there is no fallback where WebSocket is blocked)";
}

std::string socketio_upgrade_remedy(std::string_view type, bool reached_other_node) {
  if (reached_other_node)
    return "the upgrade request reached another node than the session's polls: the balancer "
           "must route it with the same stickiness (Apache: the ws:// balancer of the socket.io "
           "recipe needs the same stickysession=SERVERID and routes as the http:// one)";
  if (type == "nginx")
    return "nginx passes an upgrade only when told to: proxy_http_version 1.1; proxy_set_header "
           "Upgrade $http_upgrade; proxy_set_header Connection \"upgrade\"; in the location that "
           "serves the socket.io path";
  if (type == "apache" || type == "reference")
    return "Apache carries an upgrade only with upgrade=websocket on each BalancerMember (httpd "
           "2.4.47+; a worker parameter, refused on a ProxyPass to a balancer) or ws:// members "
           "through mod_proxy_wstunnel (socket.io's recipe: RewriteCond %{HTTP:Upgrade} "
           "=websocket [NC] and RewriteRule /(.*) balancer://nodes_ws/$1 [P,L])";
  if (type == "haproxy")
    return "HAProxy passes upgrades by itself in mode http: look for a rule that answers or "
           "rewrites the request, and set timeout tunnel for the connection that follows";
  return "the proxy did not carry the upgrade to the node (its answer is above)";
}

std::string socketio_poll_timeout_remedy(std::string_view type, long long need_seconds) {
  const std::string directive =
      type == "apache" || type == "reference"
          ? "ProxyTimeout (or timeout= on the ProxyPass or BalancerMember)"
      : type == "haproxy" ? "timeout server"
      : type == "nginx"   ? "proxy_read_timeout"
      : type == "caddy"   ? "the reverse_proxy transport's read_timeout"
                          : "the proxy's timeout for an upstream answer";
  return fmt::format("raise {} above pingInterval + pingTimeout ({} s), or lower the nodes' "
                     "pingInterval below the proxy's timeout",
                     directive, need_seconds);
}

std::string_view no_route_means_afresh() {
  return "mod_proxy_balancer takes the route from after the first separator, so it never finds "
         "one and balances every request afresh";
}

std::string first_request_unhashed(std::string_view how) {
  return fmt::format(
      "the first request carries no cookie yet, so the proxy balanced it without the key it "
      "sticks by ({}), and the second request, hashed by the cookie the first backend set, went "
      "elsewhere about (n-1)/n of the time, where the session was unknown",
      how);
}

std::string_view first_request_unhashed_remedy() {
  return "stick by a cookie the proxy sets itself (HAProxy `cookie ... insert`, Caddy "
         "`lb_policy cookie`, Apache's route cookie) instead";
}

std::string_view nginx_cookie_hash_how() {
  return "nginx `hash $cookie_NAME` hashes an empty key, which falls back to round robin";
}

std::string address_hash_why(std::string_view how) {
  return fmt::format(
      "a balancer that picks the backend by client address ({}) sends one client, one NAT "
      "gateway or one /24 to one backend",
      how);
}

std::string_view nginx_ip_hash_how() {
  return "nginx ip_hash, which hashes only the first three octets of an IPv4 address";
}
std::string_view haproxy_source_how() { return "HAProxy balance source"; }
std::string_view caddy_ip_hash_how() { return "Caddy lb_policy ip_hash"; }

std::string unknown_balancer_parameter(std::string_view key) {
  // httpd's set_balancer_param; a member's (worker's) own ones, lbset or status, are refused
  // here, as `apache2 -t` refuses `ProxySet balancer://app lbset=1`.
  static const std::vector<std::string> kKnown = {
      "stickysession", "stickysessionsep", "scolonpathdelim", "nofailover",
      "forcerecovery", "maxattempts",      "lbmethod",        "nonce",
      "timeout",       "failonstatus",     "failontimeout",   "growth"};
  const std::string lower = to_lower(key);
  for (const auto& k : kKnown)
    if (lower == k) return "";
  std::string hint = lower == "failover" ? "nofailover" : closest_match(lower, kKnown);
  return fmt::format("unknown Balancer parameter '{}'{}", key,
                     hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint));
}

std::string_view haproxy_insert_options_why() {
  return "without `indirect` HAProxy passes its own cookie on to the servers, and without "
         "`nocache` a shared cache between HAProxy and the clients may store a response with "
         "one client's Set-Cookie and hand it to others, pinning them all to that server";
}

}  // namespace sc
