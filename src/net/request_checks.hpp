#pragma once
// Checks on a parsed request that the transport makes before any handler sees it.
#include <optional>

#include "net/http_types.hpp"

namespace sc::net {

// RFC 9112 6.1: a request transfer coding other than a final "chunked" cannot be framed
// safely (400), and codings besides chunked are not implemented here (501).
std::optional<http::status> check_transfer_encoding(const Request& req);

}  // namespace sc::net
