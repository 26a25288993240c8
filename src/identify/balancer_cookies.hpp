#pragma once
// The catalogue of cookies that load balancers set (spec/proxy-stickiness.md, "Recognising
// balancer cookies from outside"): from a cookie's name and value, which balancer it looks
// like, whether the value names a member, and that member. Pure.
// Envoy's hash-policy cookie has a configurable name and an opaque value, so nothing here can
// recognise it: the behaviour rule of auto_identify.hpp finds it (and any other unknown one).
#include <optional>
#include <string>
#include <string_view>

namespace sc::identify {

enum class Balancer {
  apache,             // mod_proxy_balancer route cookie (ROUTEID, BALANCEID, JSESSIONID.route)
  haproxy,            // cookie SERVERID/SRV insert|rewrite|prefix
  f5_bigip,           // BIGipServer<pool>
  citrix,             // NSC_<vserver>
  ingress_nginx,      // INGRESSCOOKIE
  traefik,            // _<6 hex> default name
  caddy,              // lb
  envoy,              // stateful session: base64 of ip:port under any name
  aws_alb,            // AWSALB, AWSALBCORS, AWSALBAPP-N, AWSALBTG, AWSALBTGCORS
  azure_app_gateway,  // ApplicationGatewayAffinity(CORS)
  cloudflare,         // __cflb
};

struct BalancerCookie {
  Balancer balancer = Balancer::apache;
  std::string product;      // "F5 BIG-IP", for sentences
  std::string value_kind;   // "Apache route", "decoded BIG-IP address": for the source text
  bool identifies = false;  // the value names one member
  bool rotates = false;     // re-issued with a new value on every response (AWS ALB)
  std::optional<std::string> member;  // the member id when `identifies`
  bool member_is_address = false;     // the member is an internal address (redacted or not)
  std::string note;                   // why it does not identify, or what was decoded; may be empty
};

struct CatalogueOptions {
  // Decoded addresses are internal: by default they are replaced by a stable label
  // ("member-3f2a9c") that keeps members apart without printing the address.
  bool redact = true;
  char apache_separator = '.';  // stickysessionsep; 0 (Off) makes the whole value the route
};

// nullopt: the cookie is not in the catalogue (it may still be found by behaviour).
std::optional<BalancerCookie> recognise_balancer_cookie(std::string_view name,
                                                        std::string_view value,
                                                        const CatalogueOptions& options = {});

// A short label derived from `address` by a fixed hash (FNV-1a): the same address always
// gives the same label, different addresses practically never share one. Not a secret: it
// only keeps the address out of reports.
std::string redacted_member_label(std::string_view address);

// Decoders, exposed for tests and for `--no-redact` style output. All return nullopt on
// anything that is not exactly their format.
// "1677787402.36895.0000" -> "10.1.1.100:8080"; "rd5o00000000000000000000ffffc0000201o80"
// -> "192.0.2.1:80"; "vi20010112000000000000000000000030.20480" -> "[2001:112::30]:80".
std::optional<std::string> decode_bigip_value(std::string_view value);
// "ffffffffaf1a1e4b45525d5f4f58455e445a4a42378b" -> "172.18.0.90:443".
std::optional<std::string> decode_citrix_value(std::string_view value);
// "NSC_wtsw-xfc" -> "vsrv-web" (letters shifted back by one).
std::string decode_citrix_vserver(std::string_view cookie_name);
// base64("10.0.0.5:8080") -> "10.0.0.5:8080" when it decodes to an address and port.
std::optional<std::string> decode_envoy_value(std::string_view value);
// HAProxy server cookie value: "s1", "s1|date|date" (maxidle/maxlife) or "s1~app" (prefix).
std::string haproxy_server_part(std::string_view value);

}  // namespace sc::identify
