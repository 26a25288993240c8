#pragma once
// Checks on a parsed request that the transport makes before any handler sees it.
#include <cstddef>
#include <optional>

#include "net/http_types.hpp"

namespace sc::net {

// RFC 9112 6.1: a request transfer coding other than a final "chunked" cannot be framed
// safely (400), and codings besides chunked are not implemented here (501).
std::optional<http::status> check_transfer_encoding(const http::request_header<>& req);

// RFC 9112 3.2: an HTTP/1.1 request without Host, or any request with more than one, is 400.
std::optional<http::status> check_host(const http::request_header<>& req);

// RFC 9110 10.1.1: the only expectation is "100-continue"; any other is 417.
enum class Expectation { kNone, kContinue, kUnsupported };
Expectation expectation(const http::request_header<>& req);

// Removes the fields after the first `header_fields`: the trailer section of a chunked body,
// which Beast's parser appends to the header fields. Trailers must never act as headers (a
// trailer Cookie or Host would change routing), so they are dropped.
void drop_trailer_fields(Request& req, std::size_t header_fields);

}  // namespace sc::net
