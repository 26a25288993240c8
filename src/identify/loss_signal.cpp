#include "identify/loss_signal.hpp"

#include "cookie/set_cookie.hpp"
#include "identify/session_cookies.hpp"

namespace sc::identify {

namespace detail {

bool is_hex_value(std::string_view v) {
  bool digit = false;
  for (char c : v) {
    if (c >= '0' && c <= '9')
      digit = true;
    else if ((c >= 'g' && c <= 'z') || (c >= 'G' && c <= 'Z'))
      return false;
  }
  return digit;
}

char random_like(char c, bool hex, std::uint64_t r) {
  if (c >= '0' && c <= '9') return static_cast<char>('0' + r % 10);
  const int letters = hex ? 6 : 26;
  if (c >= 'a' && c <= 'z') return static_cast<char>('a' + r % letters);
  if (c >= 'A' && c <= 'Z') return static_cast<char>('A' + r % letters);
  return c;
}

}  // namespace detail

LossSignal read_made_up_answer(std::string_view name, std::string_view sent,
                               const std::vector<std::string>& set_cookies,
                               std::chrono::system_clock::time_point now) {
  for (const auto& header : set_cookies) {
    auto set = parse_set_cookie(header);
    if (set && set->name == name && is_session_reissue(sent, *set, now)) return LossSignal::live;
  }
  return LossSignal::adopted;
}

}  // namespace sc::identify
