// Decoders for balancer cookies that carry a member's address (F5 BIG-IP, Citrix ADC,
// Envoy stateful session), after the widely published formats in spec/proxy-stickiness.md.
#include <fmt/format.h>

#include <array>
#include <cstdint>

#include "identify/balancer_cookies.hpp"
#include "util/text.hpp"

namespace sc::identify {
namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

bool all_hex(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789abcdefABCDEF") == std::string_view::npos;
}

std::optional<std::uint64_t> parse_uint(std::string_view s, std::uint64_t max, int base = 10) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  std::uint64_t out = 0;
  for (char c : s) {
    int d = (c >= '0' && c <= '9')   ? c - '0'
            : (c >= 'a' && c <= 'f') ? c - 'a' + 10
            : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                     : 99;
    if (d >= base) return std::nullopt;
    out = out * base + d;
    if (out > max) return std::nullopt;
  }
  return out;
}

std::string ipv4_text(std::uint32_t big_endian) {
  return fmt::format("{}.{}.{}.{}", big_endian >> 24, (big_endian >> 16) & 0xff,
                     (big_endian >> 8) & 0xff, big_endian & 0xff);
}

// 32 hex digits -> RFC 5952 text (lower case, longest run of zero groups as "::").
std::string ipv6_text(std::string_view hex32) {
  std::array<unsigned, 8> g{};
  for (int i = 0; i < 8; ++i) g[i] = *parse_uint(hex32.substr(i * 4, 4), 0xffff, 16);
  int best = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    int j = i;
    while (j < 8 && g[j] == 0) ++j;
    if (j - i > best_len && j - i >= 2) best = i, best_len = j - i;
    i = j == i ? i + 1 : j;
  }
  std::string out;
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    out += fmt::format("{:x}", g[i]);
  }
  return out;
}

unsigned swap_port(unsigned p) { return ((p & 0xff) << 8) | (p >> 8); }

// 32 hex digits of a route-domain address: IPv4-mapped or plain IPv6.
std::string address_from_hex32(std::string_view hex) {
  if (to_lower(hex.substr(0, 24)) == "00000000000000000000ffff")
    return ipv4_text(static_cast<std::uint32_t>(*parse_uint(hex.substr(24), 0xffffffff, 16)));
  return "[" + ipv6_text(hex) + "]";
}

std::optional<std::string> decode_bigip_plain(std::string_view value) {
  auto parts = split(value, '.');
  if (parts.size() != 3 || parts[2] != "0000") return std::nullopt;
  if (!all_digits(parts[0]) || !all_digits(parts[1])) return std::nullopt;
  auto ip = parse_uint(parts[0], 0xffffffff);
  auto port = parse_uint(parts[1], 0xffff);
  if (!ip || !port) return std::nullopt;
  // The integer holds the address in little-endian byte order: the low byte is octet one.
  auto le = static_cast<std::uint32_t>(*ip);
  std::uint32_t be = ((le & 0xff) << 24) | ((le & 0xff00) << 8) | ((le >> 8) & 0xff00) | (le >> 24);
  return fmt::format("{}:{}", ipv4_text(be), swap_port(static_cast<unsigned>(*port)));
}

// rd<N>o<32 hex>o<port>, port in plain decimal.
std::optional<std::string> decode_bigip_route_domain(std::string_view value) {
  auto parts = split(value.substr(2), 'o');
  if (parts.size() != 3 || !all_digits(parts[0]) || parts[1].size() != 32 || !all_hex(parts[1]))
    return std::nullopt;
  auto port = all_digits(parts[2]) ? parse_uint(parts[2], 0xffff) : std::nullopt;
  if (!port) return std::nullopt;
  return fmt::format("{}:{}", address_from_hex32(parts[1]), *port);
}

// vi<32 hex>.<port>, port byte-swapped like the plain form.
std::optional<std::string> decode_bigip_ipv6(std::string_view value) {
  auto parts = split(value.substr(2), '.');
  if (parts.size() != 2 || parts[0].size() != 32 || !all_hex(parts[0]) || !all_digits(parts[1]))
    return std::nullopt;
  auto port = parse_uint(parts[1], 0xffff);
  if (!port) return std::nullopt;
  return fmt::format("[{}]:{}", ipv6_text(parts[0]), swap_port(static_cast<unsigned>(*port)));
}

std::optional<std::string> base64_decode(std::string_view in) {
  static constexpr std::string_view kStd =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    auto pos = kStd.find(c == '-' ? '+' : c == '_' ? '/' : c);  // also the URL-safe alphabet
    if (pos == std::string_view::npos) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> decode_bigip_value(std::string_view value) {
  if (value.size() > 128) return std::nullopt;
  if (value.starts_with("rd")) return decode_bigip_route_domain(value);
  if (value.starts_with("vi")) return decode_bigip_ipv6(value);
  return decode_bigip_plain(value);
}

std::optional<std::string> decode_citrix_value(std::string_view value) {
  // 8 hex (ffffffff), 8 hex service IP XOR 0x03081e11, opaque hex, 4 hex port XOR 0x3630.
  if (value.size() < 20 || value.size() > 128 || !all_hex(value)) return std::nullopt;
  auto ip = parse_uint(value.substr(8, 8), 0xffffffff, 16);
  auto port = parse_uint(value.substr(value.size() - 4), 0xffff, 16);
  return fmt::format("{}:{}", ipv4_text(static_cast<std::uint32_t>(*ip ^ 0x03081e11u)),
                     *port ^ 0x3630u);
}

std::string decode_citrix_vserver(std::string_view cookie_name) {
  std::string out;
  for (char c : cookie_name.substr(cookie_name.starts_with("NSC_") ? 4 : 0)) {
    if (c >= 'a' && c <= 'z')
      c = c == 'a' ? 'z' : static_cast<char>(c - 1);
    else if (c >= 'A' && c <= 'Z')
      c = c == 'A' ? 'Z' : static_cast<char>(c - 1);
    out.push_back(c);
  }
  return out;
}

std::optional<std::string> decode_envoy_value(std::string_view value) {
  if (value.size() < 12 || value.size() > 128) return std::nullopt;
  auto text = base64_decode(value);
  if (!text) return std::nullopt;
  auto colon = text->rfind(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  std::string_view host(text->data(), colon);
  std::string_view port(text->data() + colon + 1, text->size() - colon - 1);
  if (!all_digits(port) || !parse_uint(port, 0xffff)) return std::nullopt;
  bool v6 = host.size() > 2 && host.front() == '[' && host.back() == ']' &&
            host.find_first_not_of("0123456789abcdefABCDEF:.[]") == std::string_view::npos;
  auto octets = split(host, '.');
  bool v4 = octets.size() == 4;
  for (auto o : octets) v4 = v4 && all_digits(o) && o.size() <= 3 && parse_uint(o, 255);
  if (!v4 && !v6) return std::nullopt;
  return *text;
}

std::string redacted_member_label(std::string_view address) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a 64 offset basis
  for (unsigned char c : address) h = (h ^ c) * 1099511628211ull;
  return fmt::format("member-{:06x}", static_cast<unsigned>(h >> 40));
}

}  // namespace sc::identify
