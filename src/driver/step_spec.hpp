#pragma once
// A session that follows steps (traffic.steps, target.steps, probe --steps): a login page, a
// form posted with a token taken from it, pages behind the login. What the driver can send;
// the scenario parser (scenario/scenario_steps.cpp) fills and checks it, the driver's
// StepScript renders it.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "identify/identify_spec.hpp"
#include "util/result.hpp"

namespace sc {

enum class StepMethod { kGet, kPost, kPut, kPatch, kDelete };
std::string_view to_string(StepMethod m);

enum class StepBody { kNone, kForm, kJson, kRaw };

// `capture: {csrf: 'regex:name="csrf" value="([^"]+)"'}`: the variable `name` takes what
// `source` reads from the step's answer (regex over the body, json:/POINTER, header:NAME,
// cookie:NAME: the --identify forms, read the same way).
struct StepCapture {
  std::string name;
  identify::IdentifySpec source;
};

struct StepSpec {
  std::string name;  // as given, else "METHOD PATH"
  StepMethod method = StepMethod::kGet;
  // Templates: "{{name}}" is a capture of an earlier step, "{{user.COLUMN}}" the session's
  // user row, "{{session}}" the session's index. Checked when parsed.
  std::string path;
  std::vector<std::pair<std::string, std::string>> headers;  // name, value template
  StepBody body_kind = StepBody::kNone;
  std::vector<std::pair<std::string, std::string>> form;  // field, value template
  // json: the document as JSON text whose strings are templates (rendered string by string,
  // so a value can never break the document); raw: a body template, with its Content-Type.
  std::string body;
  std::string content_type;
  std::vector<StepCapture> captures;
  std::vector<int> expect_status;  // empty: any status is the step's answer
  bool follow = false;             // follow redirects within this step, each hop a record
  int repeat = 1;
  bool begins_session = false;  // affinity and losses are judged from this step on
  std::vector<identify::LostWhenSpec> lost_when;
  std::vector<std::string> lost_when_text;  // as given, for the report
};

// A user's row of the users file: column name -> value. Secret columns (is_secret_column) are
// written nowhere but into the requests that use them.
struct UserRow {
  std::size_t row = 0;  // 1-based, after the header line
  std::vector<std::pair<std::string, std::string>> columns;
};

// A column named like password, token, secret or key (any case, anywhere in the name).
bool is_secret_column(std::string_view name);

// Redirect hops a step with follow: true takes at most (a loop is the step's error).
inline constexpr int kMaxStepHops = 10;

// The records one session makes at least: the sum of the repeats (a followed redirect adds
// one per hop).
int step_requests(const std::vector<StepSpec>& steps);

// [A-Za-z_][A-Za-z0-9_.-]*: a capture's name, user.COLUMN or session.
bool is_variable_name(std::string_view name);

// The variables a template names, in order ("/u/{{user.name}}/{{id}}" -> user.name, id); an
// error for a "{{" that does not close or a name that is not [A-Za-z_][A-Za-z0-9_.-]*.
Result<std::vector<std::string>> template_variables(std::string_view text);

}  // namespace sc
