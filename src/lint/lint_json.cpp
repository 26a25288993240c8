#include "lint/lint_json.hpp"

namespace sc {

nlohmann::json finding_to_json(const Finding& f) {
  return {{"rule", f.rule},     {"severity", to_string(f.severity)},
          {"file", f.file},     {"line", f.line},
          {"column", f.column}, {"message", f.message},
          {"why", f.why},       {"fix", f.fix}};
}

nlohmann::json findings_to_json(const std::vector<Finding>& findings) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& f : findings) out.push_back(finding_to_json(f));
  return out;
}

Finding finding_from_json(const nlohmann::json& j) {
  Finding f;
  auto text = [&](const char* key) {
    return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
  };
  auto number = [&](const char* key, std::size_t fallback) {
    return j.contains(key) && j[key].is_number_unsigned() ? j[key].get<std::size_t>() : fallback;
  };
  f.rule = text("rule");
  const std::string severity = text("severity");
  f.severity = severity == "warning" ? Severity::kWarning
               : severity == "note"  ? Severity::kNote
                                     : Severity::kError;
  f.file = text("file");
  f.line = number("line", 0);
  f.column = number("column", 1);
  f.message = text("message");
  f.why = text("why");
  f.fix = text("fix");
  return f;
}

}  // namespace sc
