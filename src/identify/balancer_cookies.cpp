#include "identify/balancer_cookies.hpp"

#include <fmt/format.h>

#include "cookie/sticky_lookup.hpp"
#include "util/text.hpp"

namespace sc::identify {
namespace {

bool is_lower_hex(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

BalancerCookie make_cookie(Balancer b, std::string product, std::string kind) {
  BalancerCookie c;
  c.balancer = b;
  c.product = std::move(product);
  c.value_kind = std::move(kind);
  return c;
}

BalancerCookie named_member(Balancer b, std::string product, std::string kind, std::string member) {
  auto c = make_cookie(b, std::move(product), std::move(kind));
  c.identifies = true;
  c.member = std::move(member);
  return c;
}

BalancerCookie not_identifying(Balancer b, std::string product, std::string note,
                               bool rotates = false) {
  auto c = make_cookie(b, std::move(product), "opaque value");
  c.rotates = rotates;
  c.note = std::move(note);
  return c;
}

// A decoded address becomes the member, redacted unless asked otherwise.
BalancerCookie address_member(Balancer b, std::string product, std::string kind,
                              const std::string& address, const CatalogueOptions& options) {
  auto c = named_member(b, std::move(product), std::move(kind),
                        options.redact ? redacted_member_label(address) : address);
  c.member_is_address = true;
  return c;
}

BalancerCookie apache_route(std::string_view name, std::string_view value,
                            const CatalogueOptions& options) {
  std::string product = name == "JSESSIONID" ? "Apache mod_proxy_balancer / Tomcat jvmRoute"
                                             : "Apache mod_proxy_balancer";
  if (auto route = route_of(value, options.apache_separator))
    return named_member(Balancer::apache, product, "Apache route", *route);
  auto c = make_cookie(Balancer::apache, product, "Apache route");
  c.note = fmt::format("the value carries no route after '{}'", options.apache_separator);
  return c;
}

std::optional<BalancerCookie> recognise_f5(std::string_view value,
                                           const CatalogueOptions& options) {
  if (value.starts_with("!"))
    return not_identifying(Balancer::f5_bigip, "F5 BIG-IP",
                           "the persistence cookie is encrypted (starts with '!')");
  if (auto address = decode_bigip_value(value))
    return address_member(Balancer::f5_bigip, "F5 BIG-IP", "decoded BIG-IP address", *address,
                          options);
  return not_identifying(Balancer::f5_bigip, "F5 BIG-IP",
                         "the value is in none of the known BIG-IP formats");
}

std::optional<BalancerCookie> recognise_citrix(std::string_view value,
                                               const CatalogueOptions& options) {
  if (auto address = decode_citrix_value(value))
    return address_member(Balancer::citrix, "Citrix ADC", "decoded Citrix ADC address", *address,
                          options);
  return not_identifying(Balancer::citrix, "Citrix ADC",
                         "the value is not in the persistence-cookie format");
}

std::optional<BalancerCookie> recognise_traefik(std::string_view value,
                                                const CatalogueOptions& options) {
  // Old Traefik versions store the server URL itself; newer ones a hash of it.
  if (value.starts_with("http://") || value.starts_with("https://"))
    return address_member(Balancer::traefik, "Traefik", "Traefik server URL", std::string(value),
                          options);
  return named_member(Balancer::traefik, "Traefik", "Traefik server hash", std::string(value));
}

// Cookies with opaque values: they prove stickiness is on, never which member.
std::optional<BalancerCookie> recognise_opaque(std::string_view name) {
  if (name == "AWSALB" || name == "AWSALBCORS" || name == "AWSALBTG" || name == "AWSALBTGCORS" ||
      name.starts_with("AWSALBAPP-"))
    return not_identifying(Balancer::aws_alb, "AWS ALB",
                           "the value is encrypted and re-issued on every response", true);
  if (name == "ApplicationGatewayAffinity" || name == "ApplicationGatewayAffinityCORS")
    return not_identifying(Balancer::azure_app_gateway, "Azure Application Gateway",
                           "the value is opaque");
  if (name == "__cflb")
    return not_identifying(Balancer::cloudflare, "Cloudflare load balancing",
                           "the value is opaque");
  return std::nullopt;
}

}  // namespace

std::string haproxy_server_part(std::string_view value) {
  auto tilde = value.find('~');  // prefix mode: "server~appvalue"
  if (tilde != std::string_view::npos) return std::string(value.substr(0, tilde));
  auto bar = value.find('|');  // maxidle/maxlife: "server|date|date"
  return std::string(value.substr(0, bar));
}

std::optional<BalancerCookie> recognise_balancer_cookie(std::string_view name,
                                                        std::string_view value,
                                                        const CatalogueOptions& options) {
  if (name == "ROUTEID" || name == "BALANCEID") return apache_route(name, value, options);
  // Session ids that carry a route suffix (Tomcat jvmRoute, PHP ids made as id.route for
  // stickysession=PHPSESSID): without the separator they are plain session ids, not routes.
  if ((name == "JSESSIONID" || name == "PHPSESSID") &&
      value.find(options.apache_separator) != std::string_view::npos)
    return apache_route(name, value, options);
  if (name == "SERVERID" || name == "SRV") {
    auto server = haproxy_server_part(value);
    if (server.empty()) return std::nullopt;
    return named_member(Balancer::haproxy, "HAProxy", "HAProxy server cookie", server);
  }
  if (name.starts_with("BIGipServer")) return recognise_f5(value, options);
  if (name.starts_with("NSC_")) return recognise_citrix(value, options);
  if (name == "INGRESSCOOKIE" && !value.empty())
    return named_member(Balancer::ingress_nginx, "ingress-nginx", "ingress-nginx upstream hash",
                        std::string(value));
  if (name.size() == 7 && name[0] == '_' && is_lower_hex(name.substr(1)) && !value.empty())
    return recognise_traefik(value, options);
  if (name == "lb" && value.size() >= 16 && is_lower_hex(value))
    return named_member(Balancer::caddy, "Caddy", "Caddy upstream hash", std::string(value));
  if (auto opaque = recognise_opaque(name)) return opaque;
  if (auto address = decode_envoy_value(value))
    return address_member(Balancer::envoy, "Envoy stateful session", "decoded Envoy address",
                          *address, options);
  return std::nullopt;
}

}  // namespace sc::identify
