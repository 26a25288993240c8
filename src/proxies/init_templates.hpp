#pragma once
// The configuration `stickycheck init` starts from for each real proxy: the fixture of its
// sticky scenario, compiled in at build time from the fixture file itself (CMakeLists.txt
// generates init_templates.cpp), so that an installed stickycheck needs no source tree and
// there is no second copy to keep equal.
#include <string_view>

namespace sc::proxies {

// "" for a type without one (the reference balancer needs none).
std::string_view init_template(std::string_view type);
// The fixture it is made from ("fixtures/nginx/ip-hash.conf.in"), relative to the sources.
std::string_view init_template_fixture(std::string_view type);

}  // namespace sc::proxies
