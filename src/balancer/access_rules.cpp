#include "balancer/access_rules.hpp"

#include <fmt/format.h>

#include <array>

#include "util/text.hpp"

namespace sc {

namespace ip = boost::asio::ip;

namespace {

// IPv4-mapped IPv6 clients (::ffff:a.b.c.d) are compared as IPv4, like httpd does.
ip::address plain(const ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) return ip::make_address_v4(ip::v4_mapped, a.to_v6());
  return a;
}

std::array<unsigned char, 16> bytes_of(const ip::address& a) {
  std::array<unsigned char, 16> out{};
  if (a.is_v4()) {
    auto b = a.to_v4().to_bytes();
    std::copy(b.begin(), b.end(), out.begin());
  } else {
    out = a.to_v6().to_bytes();
  }
  return out;
}

bool in_range(const ip::address& client, const AddressRange& r) {
  const auto a = plain(client);
  if (a.is_v4() != r.network.is_v4()) return false;
  const auto x = bytes_of(a), y = bytes_of(r.network);
  for (unsigned bit = 0; bit < r.prefix_bits; ++bit) {
    const unsigned mask = 0x80u >> (bit % 8);
    if ((x[bit / 8] & mask) != (y[bit / 8] & mask)) return false;
  }
  return true;
}

// Counts the leading one bits of a dotted netmask; -1 when it is not a contiguous mask.
int netmask_bits(const ip::address_v4& mask) {
  const auto m = mask.to_uint();
  int bits = 0;
  while (bits < 32 && (m & (0x80000000u >> bits))) ++bits;
  if (bits < 32 && (m << bits) != 0) return -1;
  return bits;
}

// "10.1" is 10.1.0.0/16, as mod_authz_host reads a partial address.
Result<AddressRange> partial_v4(const std::string& text) {
  auto parts = split(text, '.');
  if (parts.size() > 4) return Error{""};
  unsigned value = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    long long octet = 0;
    if (i < parts.size() && (!parse_int(parts[i], octet) || octet < 0 || octet > 255))
      return Error{""};
    value = (value << 8) | static_cast<unsigned>(i < parts.size() ? octet : 0);
  }
  return AddressRange{ip::address_v4(value), static_cast<unsigned>(parts.size() * 8)};
}

Result<AddressRange> parse_range(const std::string& text) {
  const auto bad =
      Error{fmt::format("Require ip: '{}' is not an address, a partial IPv4 "
                        "address, ADDRESS/BITS or ADDRESS/NETMASK",
                        text)};
  const auto slash = text.find('/');
  boost::system::error_code ec;
  if (slash == std::string::npos) {
    auto a = ip::make_address(text, ec);
    if (!ec) return AddressRange{plain(a), a.is_v4() || plain(a).is_v4() ? 32u : 128u};
    auto partial = partial_v4(text);
    return partial ? partial : bad;
  }
  auto network = plain(ip::make_address(text.substr(0, slash), ec));
  if (ec) return bad;
  const std::string suffix = text.substr(slash + 1);
  long long bits = 0;
  const unsigned max_bits = network.is_v4() ? 32 : 128;
  if (parse_int(suffix, bits)) {
    if (bits < 0 || bits > static_cast<long long>(max_bits)) return bad;
    return AddressRange{network, static_cast<unsigned>(bits)};
  }
  auto mask = ip::make_address_v4(suffix, ec);
  if (ec || !network.is_v4() || netmask_bits(mask) < 0) return bad;
  return AddressRange{network, static_cast<unsigned>(netmask_bits(mask))};
}

}  // namespace

Result<AccessRule> parse_require(const std::vector<std::string>& words) {
  if (words.empty()) return Error{"Require needs an entity type (local, ip or all)"};
  const std::string type = to_lower(words[0]);
  AccessRule rule;
  if (type == "all" && words.size() == 2 && to_lower(words[1]) == "granted") {
    rule.kind = AccessRule::Kind::kAllGranted;
  } else if (type == "all" && words.size() == 2 && to_lower(words[1]) == "denied") {
    rule.kind = AccessRule::Kind::kAllDenied;
  } else if (type == "local" && words.size() == 1) {
    rule.kind = AccessRule::Kind::kLocal;
  } else if (type == "ip" && words.size() >= 2) {
    rule.kind = AccessRule::Kind::kIp;
    for (std::size_t i = 1; i < words.size(); ++i) {
      auto r = parse_range(words[i]);
      if (!r) return r.error();
      rule.ranges.push_back(*r);
    }
  } else {
    return Error{
        fmt::format("Require {} is not modelled by the reference balancer (it knows "
                    "Require local, Require ip ADDRESS..., Require all granted|denied)",
                    fmt::join(words, " "))};
  }
  return rule;
}

bool access_granted(const std::vector<AccessRule>& rules, const ip::address& remote,
                    const ip::address& local) {
  const auto client = plain(remote);
  for (const auto& rule : rules) {
    switch (rule.kind) {
      case AccessRule::Kind::kAllGranted:
        return true;
      case AccessRule::Kind::kAllDenied:
        break;
      case AccessRule::Kind::kLocal:
        if (client.is_loopback() || client == plain(local)) return true;
        break;
      case AccessRule::Kind::kIp:
        for (const auto& r : rule.ranges)
          if (in_range(client, r)) return true;
        break;
    }
  }
  return false;
}

}  // namespace sc
