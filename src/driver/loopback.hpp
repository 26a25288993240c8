#pragma once
// Targets on this machine: no proxy of the environment (http_proxy) between us and them.
#include <curl/curl.h>

#include <string_view>

namespace sc {

// Whether `url`'s host is this machine (localhost, 127.x.y.z, ::1).
bool is_loopback_url(std::string_view url);
// For a target on this machine, sets no proxy: one from the environment is never meant there,
// and looking it up cost several getenv() calls per request.
void no_environment_proxy_for_loopback(CURL* e, std::string_view url);

}  // namespace sc
