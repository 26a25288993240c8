#include "render/html_format.hpp"

#include <fmt/format.h>

namespace sc {

std::string format_us(std::int64_t us) {
  if (us < 1000) return fmt::format("{} µs", us);
  if (us < 1'000'000) return fmt::format("{:.3g} ms", double(us) / 1e3);
  return fmt::format("{:.2f} s", double(us) / 1e6);
}

std::string format_share(double share) { return fmt::format("{:.1f}%", share * 100); }

std::string format_count(long long n) {
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += "\u2009";
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string check_observed(const CheckResult& c) {
  if (c.id == "distribution") return fmt::format("p={:.4g}", c.observed);
  if (c.observed == static_cast<double>(static_cast<long long>(c.observed)))
    return fmt::format("{}", static_cast<long long>(c.observed));
  return fmt::format("{:.4f}", c.observed);
}

}  // namespace sc
