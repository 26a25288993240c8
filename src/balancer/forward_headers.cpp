#include "balancer/forward_headers.hpp"

#include <algorithm>
#include <boost/beast/core/string.hpp>
#include <boost/container/small_vector.hpp>
#include <iterator>

#include "util/text.hpp"

namespace sc {

namespace http = net::http;

namespace {

// Appends `value` to a field as httpd's apr_table_mergen does: "old, value".
void append_field(http::fields& fields, std::string_view name, std::string_view value) {
  if (value.empty()) return;
  auto it = fields.find(name);
  if (it == fields.end()) {
    fields.insert(name, value);
    return;
  }
  std::string merged(it->value());
  merged += ", ";
  merged += value;
  fields.set(name, merged);
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && to_lower(s.substr(0, prefix.size())) == prefix;
}

bool is_fixed_hop_by_hop(http::field name) {
  switch (name) {
    case http::field::connection:
    case http::field::keep_alive:
    case http::field::proxy_connection:
    case http::field::te:
    case http::field::trailer:
    case http::field::upgrade:
    case http::field::transfer_encoding:
      return true;
    default:
      return false;
  }
}

// The names the Connection fields list (RFC 9110 7.6.1), as views into their values. A walk
// over the few fields a message has costs less than the tree lookup.
boost::container::small_vector<std::string_view, 4> connection_tokens(const http::fields& fields) {
  boost::container::small_vector<std::string_view, 4> tokens;
  for (const auto& field : fields) {
    if (field.name() != http::field::connection) continue;
    std::string_view rest = field.value();
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      if (const auto token = trim(rest.substr(0, comma)); !token.empty()) tokens.push_back(token);
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
  }
  return tokens;
}

}  // namespace

// Walks over the fields, erasing in place: a lookup per name to remove cost the proxy more
// than the rest of its header work. Connection goes in a second walk, as the tokens it lists
// are views into its values.
void strip_hop_by_hop(http::fields& fields) {
  const auto listed = connection_tokens(fields);
  bool connection = false;
  for (auto it = fields.begin(); it != fields.end();) {
    if (it->name() == http::field::connection) {
      connection = true;
      ++it;
      continue;
    }
    const auto name = it->name_string();
    const bool drop = is_fixed_hop_by_hop(it->name()) ||
                      std::any_of(listed.begin(), listed.end(), [&](std::string_view token) {
                        return boost::beast::iequals(token, name);
                      });
    it = drop ? fields.erase(it) : std::next(it);
  }
  for (auto it = fields.begin(); connection && it != fields.end();)
    it = it->name() == http::field::connection ? fields.erase(it) : std::next(it);
}

std::string member_authority(std::string_view host, unsigned port) {
  std::string out =
      host.find(':') != std::string_view::npos ? "[" + std::string(host) + "]" : std::string(host);
  if (port != 80) out += ":" + std::to_string(port);
  return out;
}

void rewrite_forwarded_request(net::Request& req, const ForwardContext& ctx) {
  strip_hop_by_hop(req);
  const auto host_it = net::first_field(req, http::field::host);
  const std::string client_host = host_it == req.end() ? "" : std::string(host_it->value());
  append_field(req, "X-Forwarded-For", ctx.client_ip);
  append_field(req, "X-Forwarded-Host", client_host);
  append_field(req, "X-Forwarded-Server", ctx.server_name);
}

std::optional<TargetParts> split_target(std::string_view target) {
  TargetParts parts;
  std::string_view rest = target;
  if (!rest.starts_with('/')) {
    std::size_t scheme = 0;
    if (starts_with_nocase(rest, "http://"))
      scheme = 7;
    else if (starts_with_nocase(rest, "https://"))
      scheme = 8;
    else
      return std::nullopt;
    rest.remove_prefix(scheme);
    const auto end = rest.find_first_of("/?#");
    parts.authority = rest.substr(0, end);
    if (parts.authority.empty() || parts.authority.find('@') != std::string_view::npos)
      return std::nullopt;  // no host, or userinfo (RFC 9110 4.2.4: never in a request)
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
    if (rest.empty() || rest.front() == '?') {
      parts.path = "/";
      parts.query = rest;
      return parts;
    }
    if (rest.front() != '/') return std::nullopt;
  }
  const auto q = rest.find('?');
  parts.path = rest.substr(0, q);
  parts.query = q == std::string_view::npos ? std::string_view{} : rest.substr(q);
  return parts;
}

}  // namespace sc
