#include "scenario/node_reader.hpp"

#include <fmt/format.h>

#include "util/text.hpp"

namespace sc {

namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += i + 1 == items.size() ? " or " : ", ";
    out += items[i];
  }
  return out;
}

std::string child_path(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

}  // namespace

std::string located_error(const std::string& file, SourceMark at, const std::string& path,
                          const std::string& message) {
  return fmt::format("{}:{}:{}: {}{}", file, at.line, at.column, path.empty() ? "" : path + ": ",
                     message);
}

namespace {
SourceMark from_yaml(const YAML::Mark& mark) {
  return {mark.line >= 0 ? mark.line + 1 : 1, mark.column >= 0 ? mark.column + 1 : 1};
}
}  // namespace

SourceMark mark_of(const YAML::Node& node) { return from_yaml(node.Mark()); }

void NodeReader::error(const YAML::Mark& mark, const std::string& path,
                       const std::string& message) {
  errors_.push_back(located_error(file_, from_yaml(mark), path, message));
}

bool NodeReader::expect_map(const YAML::Node& node, const std::string& path) {
  if (node.IsMap()) return true;
  error(node.Mark(), path, "expected a mapping of keys to values");
  return false;
}

void NodeReader::check_keys(const YAML::Node& map, const std::string& path,
                            const std::vector<std::string>& allowed) {
  for (const auto& kv : map) {
    std::string key = kv.first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string hint = closest_match(key, allowed);
    error(kv.first.Mark(), child_path(path, key),
          hint.empty() ? fmt::format("unknown key; expected one of {}", join(allowed))
                       : fmt::format("unknown key; did you mean '{}'?", hint));
  }
}

bool NodeReader::scalar(const YAML::Node& map, const std::string& key, const std::string& path,
                        YAML::Node& out, std::string& text) {
  const YAML::Node found = map[key];  // a copy: missing keys yield an invalid node
  if (!found) return false;
  out.reset(found);
  if (!out.IsScalar()) {
    error(out.Mark(), child_path(path, key), "expected a single value, got a list or mapping");
    return false;
  }
  text = out.Scalar();
  return true;
}

void NodeReader::read_string(const YAML::Node& map, const std::string& key,
                             const std::string& path, std::string& out) {
  YAML::Node n;
  std::string text;
  if (scalar(map, key, path, n, text)) out = text;
}

void NodeReader::read_int(const YAML::Node& map, const std::string& key, const std::string& path,
                          long long min, long long max, long long& out) {
  YAML::Node n;
  std::string text;
  if (!scalar(map, key, path, n, text)) return;
  long long v = 0;
  if (!parse_int(text, v) || v < min || v > max) {
    error(n.Mark(), child_path(path, key),
          fmt::format("expected a whole number from {} to {}, got '{}'", min, max, text));
    return;
  }
  out = v;
}

void NodeReader::read_int(const YAML::Node& map, const std::string& key, const std::string& path,
                          long long min, long long max, int& out) {
  long long v = out;
  read_int(map, key, path, min, max, v);
  out = static_cast<int>(v);
}

void NodeReader::read_double(const YAML::Node& map, const std::string& key,
                             const std::string& path, double min, double max, double& out) {
  YAML::Node n;
  std::string text;
  if (!scalar(map, key, path, n, text)) return;
  double v = 0;
  // Written as "not within" so that nan, which compares false with everything, is refused.
  if (!parse_double(text, v) || !(v >= min && v <= max)) {
    error(n.Mark(), child_path(path, key),
          fmt::format("expected a number from {} to {}, got '{}'", min, max, text));
    return;
  }
  out = v;
}

void NodeReader::read_bool(const YAML::Node& map, const std::string& key, const std::string& path,
                           bool& out) {
  YAML::Node n;
  std::string text;
  if (!scalar(map, key, path, n, text)) return;
  if (text == "true") out = true;
  else if (text == "false") out = false;
  else error(n.Mark(), child_path(path, key), fmt::format("expected true or false, got '{}'", text));
}

void NodeReader::read_choice(const YAML::Node& map, const std::string& key,
                             const std::string& path, const std::vector<std::string>& choices,
                             std::string& out) {
  YAML::Node n;
  std::string text;
  if (!scalar(map, key, path, n, text)) return;
  // The command line's spelling is accepted too (session-start for session_start).
  auto match = std::find_if(choices.begin(), choices.end(), [&](const std::string& c) {
    return choice_key(c) == choice_key(text);
  });
  if (match == choices.end()) {
    error(n.Mark(), child_path(path, key),
          fmt::format("expected {}, got '{}'", join(choices), text));
    return;
  }
  out = *match;
}

void NodeReader::read_duration(const YAML::Node& map, const std::string& key,
                               const std::string& path, std::chrono::milliseconds& out) {
  YAML::Node n;
  std::string text;
  if (!scalar(map, key, path, n, text)) return;
  auto d = parse_duration(text);
  if (!d || d->count() <= 0) {
    error(n.Mark(), child_path(path, key),
          fmt::format("expected a duration such as 500ms or 5s (at most 1 hour), got '{}'", text));
    return;
  }
  out = *d;
}

}  // namespace sc
