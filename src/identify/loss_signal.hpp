#pragma once
// Whether a re-issued session cookie can show a lost session at all. A probe counts a loss
// when the application answers a session id it does not know with a new one (PHP's strict
// mode, Java, Rails, express). An application that adopts any id it is sent (PHP's default,
// session.use_strict_mode=0) re-issues nothing, so a session that lands on another backend
// goes unseen and zero losses prove nothing. One request with a made-up id of the same shape
// tells the two apart. Pure: the request itself is the probe's (probe/loss_canary).
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sc::identify {

// An id shaped like `seen`: each digit replaced by a random digit, each letter by a random
// letter of its case (a hex value stays hex), every other character kept (separators, a
// route's dot), so an application that checks the form of its ids takes it as one of its own.
// Never equal to `seen`. `random` is any 64-bit source (a seeded engine in tests).
template <class Random>
std::string made_up_session_id(std::string_view seen, Random& random);

enum class LossSignal {
  untested,  // no request was made, or it got no answer
  live,      // the made-up id was answered with a new one: a lost session shows
  adopted,   // the made-up id was kept: a lost session does not show
};

// What the answer to a made-up `sent` value of cookie `name` says, from its Set-Cookie values
// (the loss rule of session_cookies.hpp: a new, non-deleting value is a re-issue).
LossSignal read_made_up_answer(std::string_view name, std::string_view sent,
                               const std::vector<std::string>& set_cookies,
                               std::chrono::system_clock::time_point now);

// ---- implementation of the template ----
namespace detail {
bool is_hex_value(std::string_view v);
char random_like(char c, bool hex, std::uint64_t r);
}  // namespace detail

template <class Random>
std::string made_up_session_id(std::string_view seen, Random& random) {
  const bool hex = detail::is_hex_value(seen);
  std::string out(seen);
  for (int attempt = 0; attempt < 8 && out == seen; ++attempt)
    for (std::size_t i = 0; i < seen.size(); ++i)
      out[i] = detail::random_like(seen[i], hex, static_cast<std::uint64_t>(random()));
  // An id without a letter or digit (or too short to differ by chance): one more character.
  if (out == seen) out += '0';
  return out;
}

}  // namespace sc::identify
