#include "contract/response_reader.hpp"

#include <fmt/format.h>

#include "util/text.hpp"

namespace sc {

std::string redirect_text(int status, std::string_view location) {
  constexpr std::size_t kMaxLocation = 200;
  return fmt::format("{} to {}", status, printable(location.substr(0, kMaxLocation)));
}

}  // namespace sc
