#include "realtime/session_protocol.hpp"

#include <fmt/format.h>

#include <charconv>

namespace sc {

std::string long_poll_end_text(int status, long seconds, std::string_view error) {
  return status == 0
             ? fmt::format("{} cut after {} s: {}", kLongPollEnded, seconds, error)
             : fmt::format("{} answered HTTP {} after {} s", kLongPollEnded, status, seconds);
}

std::optional<long> long_poll_held_seconds(std::string_view text) {
  if (!text.starts_with(kLongPollEnded)) return std::nullopt;
  const auto at = text.find(" after ");
  if (at == std::string_view::npos) return std::nullopt;
  long seconds = 0;
  const char* first = text.data() + at + 7;
  const auto [end, ec] = std::from_chars(first, text.data() + text.size(), seconds);
  if (ec != std::errc() || end == first) return std::nullopt;
  return seconds;
}

}  // namespace sc
