#pragma once
// The scenario parser's section readers that live in their own files (internal).
#include <yaml-cpp/yaml.h>

#include "scenario/node_reader.hpp"
#include "scenario/scenario.hpp"

namespace sc {

// proxy: type, its configuration template or command line or URL, and the reference
// balancer's own keys.
void read_proxy(NodeReader& r, const YAML::Node& root, Scenario& s);

// target: a deployment stickycheck did not start (a probe), instead of backends and proxy.
void read_target(NodeReader& r, const YAML::Node& root, Scenario& s);
// After traffic: a probe's sessions x requests must fit under target.max_requests.
void check_target_budget(NodeReader& r, const YAML::Node& root, const Scenario& s);
// A list of steps at `path` (traffic.steps, target.steps), each checked; see step_spec.hpp.
void read_steps(NodeReader& r, const YAML::Node& list, const std::string& path,
                std::vector<StepSpec>& out);
// What a probe's protocol asks of its target: socket.io names backends by ack:EVENT only.
void check_target_protocol(NodeReader& r, const YAML::Node& root, const Scenario& s);

}  // namespace sc
