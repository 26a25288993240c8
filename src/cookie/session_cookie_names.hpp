#pragma once
// The names applications give their session cookie, for the probe (which cookie's re-issue is
// a loss) and lint (a balancer told to stick on a session id). Pure.
#include <string_view>

namespace sc {

// PHPSESSID, JSESSIONID, ASP.NET_SessionId, .AspNetCore.Session, connect.sid,
// laravel_session, _session_id, SESSION, session, sessionid, sid, PLAY_SESSION, CFID/CFTOKEN,
// Drupal's SESS<hex>/SSESS<hex>, and any name ending in "_session" (Rails, CodeIgniter...).
// Case-insensitive, since frameworks differ only in case (SESSION vs session).
bool is_session_cookie_name(std::string_view name);

}  // namespace sc
