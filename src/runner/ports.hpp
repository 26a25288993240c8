#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace sc {

// `count` distinct free TCP ports on 127.0.0.1, found by binding port 0 (the kernel's choice).
// Each stays reserved by its socket, bound with SO_REUSEADDR and never listening, for as long
// as this process runs (the 256 most recent): another process's bind to port 0 or connect()
// never picks it, so two runs (or tests) side by side are not handed the same port between
// choosing it and starting the child that listens there, while that child, binding with
// SO_REUSEADDR as httpd, nginx, HAProxy, Caddy, node and Asio's acceptor do, listens there.
// A connect to a reserved port nobody listens on is refused, as to a free one.
Result<std::vector<std::uint16_t>> allocate_loopback_ports(std::size_t count);

// True once a TCP connect to 127.0.0.1:port succeeds.
bool port_accepts(std::uint16_t port);

}  // namespace sc
