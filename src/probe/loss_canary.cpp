#include "probe/loss_canary.hpp"

#include <fmt/format.h>

#include <random>

#include "cookie/cookie_pairs.hpp"

namespace sc {

namespace {

// The Cookie header: the user's cookies but the session cookie, then the made-up id.
std::string cookie_header(const std::string& user_cookies, const std::string& name,
                          const std::string& value) {
  std::string out = "Cookie: ";
  for (const auto& c : parse_cookie_header(user_cookies))
    if (c.name != name) out += fmt::format("{}={}; ", c.name, c.value);
  return out + fmt::format("{}={}", name, value);
}

std::string said_of(const LossCanary& c, long status) {
  if (c.signal == identify::LossSignal::live)
    return fmt::format(
        "a request with a made-up {0} ({0}={1}) got a new {0} (HTTP {2}): the application "
        "re-issues a session id it does not know, so a session that reached a backend without "
        "it would have been seen as lost",
        c.cookie, c.sent, status);
  return fmt::format(
      "a request with a made-up {0} ({0}={1}) was answered (HTTP {2}) without a new {0}: the "
      "application adopts a session id it never issued (PHP does without "
      "session.use_strict_mode=1), so a session that reaches a backend that does not hold it "
      "starts empty under the same id and is never seen as lost from outside; name the "
      "application's own sign of a new session with --lost-when (a text a logged-out page "
      "shows, a status or a redirect)",
      c.cookie, c.sent, status);
}

}  // namespace

LossCanary try_loss_canary(const LossCanaryRequest& request) {
  LossCanary c;
  c.cookie = request.cookie;
  std::random_device entropy;
  std::mt19937_64 random(entropy());
  c.sent = identify::made_up_session_id(request.example, random);
  ClientOptions o = request.client;
  o.headers.push_back(cookie_header(request.user_cookies, request.cookie, c.sent));
  auto answer = http_call("GET", request.url, o);
  if (!answer) {
    c.said = fmt::format(
        "a request with a made-up {} to see whether a lost session shows got "
        "no answer ({}), so that stays unknown",
        request.cookie, answer.error().message);
    return c;
  }
  c.signal = identify::read_made_up_answer(c.cookie, c.sent, answer->set_cookies,
                                           std::chrono::system_clock::now());
  c.said = said_of(c, answer->status);
  return c;
}

LossCanary untried_canary(const std::string& cookie, const std::string& why) {
  LossCanary c;
  c.cookie = cookie;
  c.said = fmt::format(
      "whether a made-up {} is re-issued was not tried ({}), so whether a lost "
      "session shows is unknown",
      cookie, why);
  return c;
}

}  // namespace sc
