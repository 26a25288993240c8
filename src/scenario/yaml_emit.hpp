#pragma once
// YAML written back as it was read: a probe's options made into a scenario, and a scenario's
// source with its secrets taken out for the report.
#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>

namespace sc {

// `n` as it was written: a quoted scalar ("123456") stays a string, where yaml-cpp's own
// emitter would write it plain and it would read back as a number.
void emit_yaml_node(YAML::Emitter& y, const YAML::Node& n);

// The scenario text with what may be secret replaced by "(redacted)": header values, cookies,
// and the steps' forms, JSON and bodies. It still reads as the same test (a merge of shards
// reads it to judge their figures); "" when the text is not YAML.
std::string redacted_source(std::string_view source);

}  // namespace sc
