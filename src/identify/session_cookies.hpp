#pragma once
// Recognising an application's session cookie, and the rule that turns its re-issue into a
// session loss, without any help from the application. Pure.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cookie/session_cookie_names.hpp"
#include "identify/response_view.hpp"

namespace sc::identify {

using sc::is_session_cookie_name;  // cookie/session_cookie_names.hpp: lint reads it too

// Which cookie is the session cookie: the one --session-cookie names, or recognised names.
struct SessionCookieRule {
  std::optional<std::string> name;  // --session-cookie NAME (exact, case-sensitive)
  bool matches(std::string_view cookie_name) const {
    return name ? cookie_name == *name : is_session_cookie_name(cookie_name);
  }
};

struct SessionLoss {
  std::string cookie;    // the session cookie's name
  std::string sent;      // the value the client sent
  std::string reissued;  // the new value the response set
};

// An encrypted or signed envelope, which frameworks re-make on every response without starting
// a new session: Laravel's base64 JSON with iv and mac (`eyJpdiI6...`), Rails' cookie store
// (`DATA--DIGEST`), a JWT (`eyJ...`.`...`.`...`). Session ids (PHP's, however long,
// JSESSIONID, ASP.NET Core's `CfDJ8...`, an express `s%3AID.SIGNATURE`) keep their bytes while
// the session lasts, so a new value for them is a loss.
bool is_opaque_value(std::string_view value);

// The loss rule: the client sent V and the response sets the same cookie to a different,
// non-empty value W that is not a deletion (most frameworks, PHP with strict mode). A change
// of the route suffix alone ("ABC.node1" -> "ABC.node2", Tomcat jvmRoute after failover)
// keeps the session and is not a loss, nor is a new opaque value for an opaque one (the bytes
// changed, not necessarily the session: only the application's own signal can tell).
bool is_session_reissue(std::string_view sent, const SetCookie& set,
                        std::chrono::system_clock::time_point now);

// The first session cookie of `view` that the rule above declares lost, if any.
std::optional<SessionLoss> find_session_loss(const ResponseView& view,
                                             const SessionCookieRule& rule,
                                             std::chrono::system_clock::time_point now);

}  // namespace sc::identify
