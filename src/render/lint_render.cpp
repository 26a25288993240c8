#include "render/lint_render.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "lint/lint_json.hpp"
#include "render/text_escape.hpp"

namespace sc {
namespace {

std::string plural(std::size_t n, std::string_view word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

// A path as a URI reference: unreserved characters and '/' kept, the rest percent-encoded.
std::string uri_path(std::string_view path) {
  std::string out;
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~')
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

nlohmann::json artifact(const std::string& file) {
  if (!file.empty() && file.front() == '/') return {{"uri", "file://" + uri_path(file)}};
  return {{"uri", uri_path(file)}, {"uriBaseId", "%SRCROOT%"}};
}

std::string_view sarif_level(Severity s) { return to_string(s); }  // error, warning, note

nlohmann::json sarif_rules() {
  nlohmann::json rules = nlohmann::json::array();
  for (const auto& r : lint_rules())
    rules.push_back({{"id", r.id},
                     {"shortDescription", {{"text", r.title}}},
                     {"defaultConfiguration", {{"level", sarif_level(r.severity)}}}});
  return rules;
}

std::size_t rule_index(std::string_view id) {
  const auto rules = lint_rules();
  for (std::size_t i = 0; i < rules.size(); ++i)
    if (rules[i].id == id) return i;
  return 0;
}

nlohmann::json sarif_result(const Finding& f) {
  nlohmann::json location = {{"physicalLocation", {{"artifactLocation", artifact(f.file)}}}};
  if (f.line > 0)
    location["physicalLocation"]["region"] = {{"startLine", f.line}, {"startColumn", f.column}};
  return {{"ruleId", f.rule},
          {"ruleIndex", rule_index(f.rule)},
          {"level", sarif_level(f.severity)},
          {"message", {{"text", fmt::format("{}. Why: {}. Fix: {}.", f.message, f.why, f.fix)}}},
          {"locations", nlohmann::json::array({location})}};
}

}  // namespace

std::string render_lint_terminal(const LintResult& r) {
  std::string out;
  for (const auto& f : r.findings) {
    out += finding_line(f) + "\n";
    if (!f.why.empty()) out += fmt::format("    why: {}\n", f.why);
    if (!f.fix.empty()) out += fmt::format("    fix: {}\n", f.fix);
  }
  out += fmt::format("{}, {}, {} in {}\n", plural(r.count(Severity::kError), "error"),
                     plural(r.count(Severity::kWarning), "warning"),
                     plural(r.count(Severity::kNote), "note"), plural(r.files.size(), "file"));
  return out;
}

std::string render_lint_json(const LintResult& r, const std::string& tool_version) {
  nlohmann::json files = nlohmann::json::array();
  for (const auto& f : r.files)
    files.push_back({{"path", f.path}, {"kind", f.kind}, {"included", f.included}});
  const nlohmann::json doc = {{"schema_version", kLintSchemaVersion},
                              {"tool", {{"name", "stickycheck lint"}, {"version", tool_version}}},
                              {"files", files},
                              {"findings", findings_to_json(r.findings)},
                              {"summary",
                               {{"errors", r.count(Severity::kError)},
                                {"warnings", r.count(Severity::kWarning)},
                                {"notes", r.count(Severity::kNote)}}}};
  return doc.dump(2) + "\n";
}

std::string render_lint_junit(const LintResult& r) {
  std::string cases;
  std::size_t tests = 0;
  for (const auto& file : r.files) {
    bool any = false;
    for (const auto& f : r.findings) {
      if (f.file != file.path &&
          std::find(file.included.begin(), file.included.end(), f.file) == file.included.end())
        continue;
      any = true;
      ++tests;
      const std::string text =
          fmt::format("{}: {}\nwhy: {}\nfix: {}", finding_location(f), f.message, f.why, f.fix);
      cases +=
          fmt::format("    <testcase classname=\"{}\" name=\"{} at {}\">\n", xml_escape(file.path),
                      xml_escape(f.rule), xml_escape(finding_location(f)));
      if (f.severity == Severity::kError)
        cases += fmt::format("      <failure type=\"error\" message=\"{}\">{}</failure>\n",
                             xml_escape(f.message), xml_escape(text));
      else
        cases += fmt::format("      <system-out>{}: {}</system-out>\n", to_string(f.severity),
                             xml_escape(text));
      cases += "    </testcase>\n";
    }
    if (!any) {
      ++tests;
      cases += fmt::format("    <testcase classname=\"{}\" name=\"no findings\"/>\n",
                           xml_escape(file.path));
    }
  }
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"stickycheck lint\" "
      "tests=\"{}\" failures=\"{}\">\n  <testsuite name=\"stickycheck lint\" tests=\"{}\" "
      "failures=\"{}\" errors=\"0\">\n{}  </testsuite>\n</testsuites>\n",
      tests, r.count(Severity::kError), tests, r.count(Severity::kError), cases);
}

std::string render_lint_sarif(const LintResult& r, const std::string& tool_version) {
  nlohmann::json results = nlohmann::json::array();
  for (const auto& f : r.findings) results.push_back(sarif_result(f));
  const nlohmann::json log = {
      {"$schema",
       "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
       "sarif-schema-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs",
       nlohmann::json::array(
           {{{"tool",
              {{"driver",
                {{"name", "stickycheck"}, {"version", tool_version}, {"rules", sarif_rules()}}}}},
             {"results", results}}})}};
  return log.dump(2) + "\n";
}

}  // namespace sc
