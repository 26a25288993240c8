#pragma once
// Typed, located access to yaml-cpp nodes; errors are collected, not thrown.
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <string>
#include <vector>

#include "scenario/scenario.hpp"

namespace sc {

// "file:line:col: path: message", the form of every scenario error.
std::string located_error(const std::string& file, SourceMark at, const std::string& path,
                          const std::string& message);
SourceMark mark_of(const YAML::Node& node);

class NodeReader {
 public:
  explicit NodeReader(std::string file) : file_(std::move(file)) {}

  void error(const YAML::Mark& mark, const std::string& path, const std::string& message);
  const std::vector<std::string>& errors() const { return errors_; }

  // Reports keys of `map` not in `allowed`, with a "did you mean" where one is close.
  void check_keys(const YAML::Node& map, const std::string& path,
                  const std::vector<std::string>& allowed);
  bool expect_map(const YAML::Node& node, const std::string& path);

  // Each reads map[key] into out when present; a wrong type or range is reported.
  void read_string(const YAML::Node& map, const std::string& key, const std::string& path,
                   std::string& out);
  void read_int(const YAML::Node& map, const std::string& key, const std::string& path,
                long long min, long long max, long long& out);
  void read_int(const YAML::Node& map, const std::string& key, const std::string& path,
                long long min, long long max, int& out);
  void read_double(const YAML::Node& map, const std::string& key, const std::string& path,
                   double min, double max, double& out);
  void read_bool(const YAML::Node& map, const std::string& key, const std::string& path,
                 bool& out);
  void read_choice(const YAML::Node& map, const std::string& key, const std::string& path,
                   const std::vector<std::string>& choices, std::string& out);
  void read_duration(const YAML::Node& map, const std::string& key, const std::string& path,
                     std::chrono::milliseconds& out);

 private:
  bool scalar(const YAML::Node& map, const std::string& key, const std::string& path,
              YAML::Node& out, std::string& text);
  std::string file_;
  std::vector<std::string> errors_;
};

}  // namespace sc
