#pragma once
// http_get with more request fields, for tests that look at what a proxy forwards.
#include <cstdint>
#include <string>
#include <vector>

#include "harness.hpp"

namespace sc::test {

// `fields`: "Name: value" each, inserted after the cookies; a Host field replaces the default.
// The request says Connection: close, and the answer is returned once the server has closed
// (within 10 s): by then the server is done with the request.
HttpAnswer http_get_with_fields(std::uint16_t port, const std::string& target,
                                const std::vector<std::string>& cookies,
                                const std::vector<std::string>& fields);

}  // namespace sc::test
