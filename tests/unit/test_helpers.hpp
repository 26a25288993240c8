#pragma once
// Helpers more than one unit test file needs, in one place (the files are also compiled
// together in batches, where two helpers of one name would collide).
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "cookie/set_cookie.hpp"
#include "runner/scenario_files.hpp"

namespace sc::test {

// The start of a scenario with two backends, www1 and www2.
inline constexpr const char* kTwo = "name: t\nbackends:\n  - name: www1\n  - name: www2\n";

// The message of a scenario the reader must refuse; "" (and a failure) when it accepts it.
inline std::string scenario_error_of(const std::string& text, const std::string& file = "s.yaml") {
  auto r = load_scenario_text(text, file);
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : r.error().message;
}

// A Set-Cookie header the parser must accept.
inline SetCookie parsed_set_cookie(std::string_view header) {
  auto c = parse_set_cookie(header);
  EXPECT_TRUE(c.ok());
  return c.ok() ? *c : SetCookie{};
}

}  // namespace sc::test
