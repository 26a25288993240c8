#pragma once
// What `stickycheck lint` finds in a proxy configuration: one finding per mistake, located,
// with a rule id, a severity, what is wrong, why it loses sessions and the change that fixes
// it (the why and the fix from the catalogue of causes, src/causes/). Each proxy kind's rules
// live in its folder (src/proxies/<kind>/<kind>_lint.cpp). Pure data.
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sc {

// error: stickiness cannot work; warning: works only under a condition the file cannot show;
// note: worth knowing (an include that could not be followed).
enum class Severity { kError, kWarning, kNote };

constexpr std::string_view to_string(Severity s) {
  return s == Severity::kError ? "error" : s == Severity::kWarning ? "warning" : "note";
}

// A rule as the catalogue lists it (the README's table, SARIF's rules).
struct LintRule {
  std::string_view id;     // "apache/session-cookie-without-route"
  Severity severity;       // its usual severity (a finding may lower it, never raise it)
  std::string_view title;  // one line: what it finds
};

struct Finding {
  std::string rule;
  Severity severity = Severity::kError;
  std::string file;                  // as the user named it (or the included file)
  std::size_t line = 0, column = 1;  // 1-based
  std::string message;               // what is wrong, here
  std::string why;                   // why it loses sessions
  std::string fix;                   // the change that fixes it
};

// Every rule of every kind, in the README's order.
std::span<const LintRule> lint_rules();
const LintRule* find_lint_rule(std::string_view id);

// A finding of `rule` at `line` (column 1) of `file`, at the rule's severity.
Finding make_finding(std::string_view rule, std::string file, std::size_t line, std::string message,
                     std::string why, std::string fix);

// A path that serves real-time traffic (socket.io, SockJS, SignalR, a WebSocket path): the
// real-time rules of every kind look at these.
bool is_realtime_path(std::string_view path);

// "FILE:LINE:COL", or "FILE" for a finding without a line.
std::string finding_location(const Finding& f);

// "FILE:LINE:COL: error: MESSAGE [rule]", as compilers write theirs ("FILE: ..." without a line).
std::string finding_line(const Finding& f);

// Where a kind's rules put their findings, all in one file.
struct FindingSink {
  std::string file;
  std::vector<Finding> out;
  void add(std::string_view rule, std::size_t line, std::string message, std::string why,
           std::string fix, std::size_t column = 1) {
    out.push_back(
        make_finding(rule, file, line, std::move(message), std::move(why), std::move(fix)));
    out.back().column = column;
  }
};

}  // namespace sc
