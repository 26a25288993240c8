#pragma once
// The step after parsing: reads what a scenario refers to (proxy.apache_conf, the proxy.config
// template), renders templates and command lines with placeholder values to find their
// errors, and takes from an Apache configuration what the scenario leaves to it (the members'
// routes, the sticky cookie the diagnosis watches). Errors are located like parse errors
// ("file:line:col: proxy.config: ..."), one per line.
#include "scenario/scenario.hpp"
#include "util/result.hpp"

namespace sc {

Status resolve_scenario(Scenario& s);

}  // namespace sc
