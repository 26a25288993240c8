#pragma once
// The driver's view of one exchange (contract/response_reader.hpp) as the identify sources
// read it: the same fields, the Set-Cookie ones parsed, the Cookie header split.
#include "contract/response_reader.hpp"
#include "identify/response_view.hpp"

namespace sc::identify {

ResponseView identify_view(const sc::ResponseView& exchange);

}  // namespace sc::identify
