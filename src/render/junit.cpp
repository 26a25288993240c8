#include "render/junit.hpp"

#include <fmt/format.h>

#include "render/html_format.hpp"
#include "render/text_escape.hpp"

namespace sc {

namespace {

struct SuiteCounts {
  std::size_t tests = 0, failures = 0, errors = 0, skipped = 0;
  void add(const SuiteCounts& o) {
    tests += o.tests, failures += o.failures, errors += o.errors, skipped += o.skipped;
  }
};

// A scenario that could not run (or was skipped) has no checks: one testcase stands for it.
SuiteCounts counts_of(const ScenarioReport& r) {
  SuiteCounts c;
  if (!r.lint.empty()) ++c.tests;  // the lint testcase, which never fails
  if (r.verdict == ScenarioVerdict::kError || r.verdict == ScenarioVerdict::kSkipped) {
    c.tests += 1;
    (r.verdict == ScenarioVerdict::kError ? c.errors : c.skipped) = 1;
    return c;
  }
  for (const auto& k : r.evaluation.checks) {
    ++c.tests;
    if (k.verdict == Verdict::kFail) ++c.failures;
    if (k.verdict == Verdict::kNotApplicable) ++c.skipped;
    if (k.verdict == Verdict::kInconclusive) ++c.errors;
  }
  return c;
}

std::string property(std::string_view name, std::string_view value) {
  return fmt::format("      <property name=\"{}\" value=\"{}\"/>\n", xml_escape(name),
                     xml_escape(value));
}

std::string properties(const ScenarioReport& r, const Report& report) {
  std::string out = "    <properties>\n";
  out += property("proxy", r.scenario.proxy.type);
  if (!r.proxy_version.empty()) out += property("proxy_version", r.proxy_version);
  out += property("scenario_file", r.scenario.file);
  if (!r.scenario.behaviour.empty()) out += property("behaviour", r.scenario.behaviour);
  out += property("tool_version", report.tool_version);
  out += property("verdict", to_string(r.verdict));
  return out + "    </properties>\n";
}

std::string check_case(const ScenarioReport& r, const CheckResult& c) {
  std::string out = fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"0\"",
                                xml_escape(r.scenario.name), xml_escape(c.id));
  const std::string detail =
      fmt::format("observed {}, expected {}: {}", check_observed(c), c.expected, c.explanation);
  if (c.verdict == Verdict::kPass) return out + "/>\n";
  if (c.verdict == Verdict::kNotApplicable)
    return out + fmt::format(">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                             xml_escape("not applicable: " + c.explanation));
  std::string body = detail;
  for (const auto& d : r.evaluation.diagnosis)  // unless the explanation already says it
    if (c.explanation.find(d) == std::string::npos) body += "\ncause: " + d;
  // Undecided is not a failure of the system under test, nor a pass: an error, as CI shows it.
  const char* element = c.verdict == Verdict::kInconclusive ? "error" : "failure";
  const std::string type = c.verdict == Verdict::kInconclusive ? "inconclusive" : c.id;
  return out + fmt::format(
                   ">\n      <{0} message=\"{1}\" type=\"{2}\">{3}</{0}>\n"
                   "    </testcase>\n",
                   element, xml_escape(c.explanation), xml_escape(type), xml_escape(body));
}

// What lint found in the scenario's configuration: shown, never a failure (the traffic judges).
std::string lint_case(const ScenarioReport& r) {
  if (r.lint.empty()) return "";
  std::string text;
  for (const auto& f : r.lint) text += finding_line(f) + "\n";
  return fmt::format(
      "    <testcase classname=\"{}\" name=\"lint\" time=\"0\">\n      <system-out>{}</system-out>\n"
      "    </testcase>\n",
      xml_escape(r.scenario.name), xml_escape(text));
}

std::string run_case(const ScenarioReport& r) {
  std::string out = fmt::format("    <testcase classname=\"{}\" name=\"run\" time=\"{:.3f}\">\n",
                                xml_escape(r.scenario.name), r.duration_s);
  if (r.verdict == ScenarioVerdict::kSkipped)
    return out +
           fmt::format("      <skipped message=\"{}\"/>\n    </testcase>\n", xml_escape(r.error));
  std::string logs;
  for (const auto& l : r.logs)
    logs += fmt::format("--- last output of {} ---\n{}\n", l.name, l.tail);
  out += fmt::format("      <error message=\"{}\" type=\"could_not_run\">{}</error>\n",
                     xml_escape(r.error), xml_escape(r.error));
  if (!logs.empty()) out += fmt::format("      <system-err>{}</system-err>\n", xml_escape(logs));
  return out + "    </testcase>\n";
}

std::string suite(const ScenarioReport& r, std::size_t index, const Report& report,
                  const SuiteCounts& c) {
  std::string out = fmt::format(
      "  <testsuite name=\"{}\" id=\"{}\" package=\"stickycheck\" tests=\"{}\" failures=\"{}\" "
      "errors=\"{}\" skipped=\"{}\" time=\"{:.3f}\" timestamp=\"{}\" hostname=\"localhost\">\n",
      xml_escape(r.scenario.name), index, c.tests, c.failures, c.errors, c.skipped, r.duration_s,
      xml_escape(report.started_at.substr(0, 19)));
  out += properties(r, report);
  out += lint_case(r);
  if (r.verdict == ScenarioVerdict::kError || r.verdict == ScenarioVerdict::kSkipped)
    out += run_case(r);
  else
    for (const auto& k : r.evaluation.checks) out += check_case(r, k);
  return out + "  </testsuite>\n";
}

}  // namespace

std::string render_junit(const Report& report) {
  SuiteCounts total;
  double time = 0;
  std::string suites;
  for (std::size_t i = 0; i < report.scenarios.size(); ++i) {
    const auto c = counts_of(report.scenarios[i]);
    total.add(c);
    time += report.scenarios[i].duration_s;
    suites += suite(report.scenarios[i], i, report, c);
  }
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuites name=\"stickycheck\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
      "skipped=\"{}\" time=\"{:.3f}\" timestamp=\"{}\">\n{}</testsuites>\n",
      total.tests, total.failures, total.errors, total.skipped, time,
      xml_escape(report.started_at.substr(0, 19)), suites);
}

}  // namespace sc
