#pragma once
// Scenarios built in code for the tests of the checks and the diagnosis, which read no file.
#include <string>

#include "scenario/scenario.hpp"

namespace sc::test {

// Backends www1 and www2 (each its name as its route) behind a proxy of `type` that sticks with
// the cookie `sticky` ("" for none).
inline Scenario two_backends(const std::string& sticky, const std::string& type = "reference") {
  Scenario s;
  s.name = "t";
  for (const char* n : {"www1", "www2"}) {
    BackendSpec b;
    b.options.name = n;
    b.options.route = n;
    s.backends.push_back(b);
  }
  s.proxy.type = type;
  s.proxy.stickysession = sticky;
  return s;
}

}  // namespace sc::test
