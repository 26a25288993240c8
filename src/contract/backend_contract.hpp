#pragma once
// The backend contract: how a stickycheck mock backend says who it is and what happened to the
// session, in one place. The mock backend writes it, the contract reader (the driver's default
// ResponseReader) reads it, and the checks count what it reports.
#include <string>
#include <string_view>

namespace sc::contract {

// Response header naming the backend that answered (also in the JSON body as `backend`).
inline constexpr std::string_view kBackendHeader = "X-Stickycheck-Backend";
// The same as the clients' captures keep header names: lower case.
inline constexpr std::string_view kBackendHeaderLower = "x-stickycheck-backend";
// A request field listing field names ("Host, X-Forwarded-For"): the answer's `echo` then
// holds the values the backend received for them, so that a test can see what a proxy
// forwarded (the differential tests compare it with Apache's).
inline constexpr std::string_view kEchoHeader = "X-Stickycheck-Echo";
// Answers 200 {"backend":NAME,"status":"ok"} without touching the session store.
inline constexpr std::string_view kHealthPath = "/.stickycheck/health";

// The login flow (traffic.steps): GET kLoginPath answers an HTML form with a hidden csrf
// field; POST kLoginPath (user, password, csrf form fields) logs the session in, gives it a
// new id and redirects (302) to kAccountPath; kAccountPath (and paths under it) answers the
// JSON body with "user" when logged in, else redirects to kLoginPath (a lost session shows
// so on real applications); kLogoutPath logs out and redirects to kLoginPath.
inline constexpr std::string_view kLoginPath = "/login";
inline constexpr std::string_view kAccountPath = "/account";
inline constexpr std::string_view kLogoutPath = "/logout";

// `status` of a 503 answer: the request needed a new session and the session store is full of
// live ones (session_max); the session fields are then absent.
inline constexpr std::string_view kStoreFullStatus = "session store full";

// The JSON body's fields (one object per response, `application/json`).
namespace field {
inline constexpr const char* kBackend = "backend";       // string: the backend's name
inline constexpr const char* kStatus = "status";         // "ok" (health path), or kStoreFullStatus
inline constexpr const char* kRoute = "route";           // string: its route
inline constexpr const char* kSessionId = "session_id";  // string: the session this request used
inline constexpr const char* kHits = "hits";             // number: requests of that session here
// true: the backend started the session on this request (no id, or an id it did not know).
inline constexpr const char* kSessionNew = "session_new";
// true: the session-loss signal: the request carried a session id this backend does not hold.
inline constexpr const char* kSessionLost = "session_lost";
// true: the request carried a session this backend held but let expire (idle longer than its
// session_lifetime). Not a loss: the balancer sent it to the right backend, which began anew.
inline constexpr const char* kSessionExpired = "session_expired";
inline constexpr const char* kMethod = "method";
inline constexpr const char* kPath = "path";
// array of {"name","value"}: the cookies the backend received, in order, duplicates kept.
inline constexpr const char* kCookies = "cookies";
inline constexpr const char* kCookieName = "name";
inline constexpr const char* kCookieValue = "value";
// object NAME -> array of values: the fields kEchoHeader asked for, as received (absent: []).
inline constexpr const char* kEcho = "echo";
inline constexpr const char* kUser = "user";  // string: the logged-in user (login flow)
}  // namespace field

// The route cookie a backend sets: a Set-Cookie value template in which {name} and {route} are
// replaced, e.g. "BALANCEID=balancer.{route}; path=/" -> "BALANCEID=balancer.www1; path=/".
std::string route_cookie_value(std::string_view templ, std::string_view name,
                               std::string_view route);

}  // namespace sc::contract
