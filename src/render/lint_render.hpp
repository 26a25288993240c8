#pragma once
// `stickycheck lint`'s outputs, all read from the lint model (lint/lint_run.hpp), never
// recomputed: the terminal's compiler-style lines, the JSON document (schema:
// reports/lint.schema.json), JUnit XML and SARIF 2.1.0. Pure: model in, text out.
#include <string>

#include "lint/lint_run.hpp"

namespace sc {

// "FILE:LINE:COL: error: MESSAGE [rule]" per finding, each followed by its why and fix
// (indented), then a summary line.
std::string render_lint_terminal(const LintResult& r);

inline constexpr int kLintSchemaVersion = 1;
std::string render_lint_json(const LintResult& r, const std::string& tool_version);

// One testcase per finding (errors fail; warnings and notes pass, with their text) and one per
// file that has none, so a clean file shows as a passing test.
std::string render_lint_junit(const LintResult& r);

// SARIF 2.1.0: the rules of the catalogue, one result per finding; relative paths against
// %SRCROOT%, absolute ones as file:// URIs.
std::string render_lint_sarif(const LintResult& r, const std::string& tool_version);

}  // namespace sc
