#include "scenario/yaml_emit.hpp"

#include <algorithm>

namespace sc {

namespace {

constexpr const char* kRedacted = "(redacted)";

// Every scalar at or under `n` replaced in place (a Node is a handle: assigning a value to
// one changes the node it refers to, also the second of two equal keys).
void redact_all(YAML::Node n) {
  if (n.IsScalar()) {
    n = kRedacted;
  } else if (n.IsMap()) {
    for (auto kv : n) redact_all(kv.second);
  } else if (n.IsSequence()) {
    for (auto item : n) redact_all(item);
  }
}

// "Name: value" keeps its name; a map of headers keeps its keys.
void redact_header_line(YAML::Node n) {
  const std::string line = n.Scalar();
  const auto colon = line.find(':');
  n = colon == std::string::npos ? std::string(kRedacted)
                                 : line.substr(0, colon) + ": " + kRedacted;
}

void redact_headers(YAML::Node n) {
  if (n.IsScalar()) {
    redact_header_line(n);
  } else if (n.IsSequence()) {
    for (auto item : n) {
      if (item.IsScalar())
        redact_header_line(item);
      else
        redact_all(item);
    }
  } else {
    redact_all(n);
  }
}

// "a=1; b=2" -> "a=redacted; b=redacted": still cookies as a browser sends them.
std::string redact_cookies(const std::string& cookies) {
  std::string out;
  std::size_t from = 0;
  while (from < cookies.size()) {
    auto end = cookies.find(';', from);
    if (end == std::string::npos) end = cookies.size();
    std::string pair = cookies.substr(from, end - from);
    pair.erase(0, std::min(pair.size(), pair.find_first_not_of(' ')));
    if (const auto eq = pair.find('='); eq != std::string::npos)
      out += (out.empty() ? "" : "; ") + pair.substr(0, eq) + "=redacted";
    from = end + 1;
  }
  return out;
}

void redact(YAML::Node n) {
  if (n.IsSequence()) {
    for (auto item : n) redact(item);
    return;
  }
  if (!n.IsMap()) return;
  for (auto kv : n) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
    if (key == "headers")
      redact_headers(kv.second);
    else if (key == "form" || key == "json" || key == "body")
      redact_all(kv.second);
    else if (key == "cookie" && kv.second.IsScalar())
      kv.second = redact_cookies(kv.second.Scalar());
    else
      redact(kv.second);
  }
}

}  // namespace

void emit_yaml_node(YAML::Emitter& y, const YAML::Node& n) {
  if (n.IsMap()) {
    y << YAML::BeginMap;
    for (const auto& kv : n) {
      y << YAML::Key;
      emit_yaml_node(y, kv.first);
      y << YAML::Value;
      emit_yaml_node(y, kv.second);
    }
    y << YAML::EndMap;
  } else if (n.IsSequence()) {
    y << YAML::BeginSeq;
    for (const auto& item : n) emit_yaml_node(y, item);
    y << YAML::EndSeq;
  } else if (n.IsScalar()) {
    if (n.Tag() == "!")
      y << YAML::DoubleQuoted << n.Scalar();
    else
      y << n.Scalar();
  } else {
    y << YAML::Null;
  }
}

std::string redacted_source(std::string_view source) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(source));
  } catch (const YAML::Exception&) {
    return "";
  }
  redact(root);
  YAML::Emitter y;
  emit_yaml_node(y, root);
  return std::string(y.c_str()) + "\n";
}

}  // namespace sc
