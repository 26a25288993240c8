#pragma once
// The scenario parser's section readers that live in their own files (internal).
#include <yaml-cpp/yaml.h>

#include "scenario/node_reader.hpp"
#include "scenario/scenario.hpp"

namespace sc {

// proxy: type, its configuration template or command line or URL, and the reference
// balancer's own keys.
void read_proxy(NodeReader& r, const YAML::Node& root, Scenario& s);
// After the other sections: proxy.apache_conf / proxy.config / proxy.command must read and
// render; an Apache configuration also tells which cookie the diagnosis watches.
void check_proxy_files(NodeReader& r, const YAML::Node& root, Scenario& s);

}  // namespace sc
