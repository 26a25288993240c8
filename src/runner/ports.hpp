#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace sc {

// `count` distinct free TCP ports on 127.0.0.1, found by binding port 0 (the kernel's choice)
// and releasing them just before the children bind.
Result<std::vector<std::uint16_t>> allocate_loopback_ports(std::size_t count);

// True once a TCP connect to 127.0.0.1:port succeeds.
bool port_accepts(std::uint16_t port);

}  // namespace sc
