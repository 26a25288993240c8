#include "runner/scenario_files.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "runner/scenario_resolve.hpp"
#include "scenario/scenario_parser.hpp"
#include "util/text.hpp"

namespace sc {

Result<std::vector<std::string>> expand_scenario_paths(const std::vector<std::string>& args) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  for (const auto& a : args) {
    std::error_code ec;
    if (fs::is_directory(a, ec)) {
      std::vector<std::string> found;
      for (const auto& e : fs::directory_iterator(a, ec)) {
        auto ext = e.path().extension().string();
        // Not *.json: a report written into the directory (stickycheck-report.json by
        // default) is not a scenario.
        if (e.is_regular_file() && (ext == ".yaml" || ext == ".yml"))
          found.push_back(e.path().string());
      }
      if (found.empty())
        return Error{fmt::format("{}: the directory holds no scenario (*.yaml, *.yml)", a)};
      std::sort(found.begin(), found.end());
      out.insert(out.end(), found.begin(), found.end());
    } else if (fs::is_regular_file(a, ec)) {
      out.push_back(a);
    } else {
      return Error{fmt::format("{}: no such scenario file or directory", a)};
    }
  }
  return out;
}

Result<Scenario> load_scenario_text(std::string_view text, const std::string& file_name) {
  auto s = parse_scenario_text(text, file_name);
  if (!s) return s;
  if (auto resolved = resolve_scenario(*s); !resolved) return resolved.error();
  return s;
}

Result<Scenario> load_scenario_file(const std::string& path) {
  auto text = read_text_file(path);
  if (!text) return Error{fmt::format("{}: cannot read the scenario file", path)};
  return load_scenario_text(*text, path);
}

}  // namespace sc
