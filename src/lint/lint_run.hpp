#pragma once
// `stickycheck lint`'s reading: each file read, its proxy kind recognised (or given), its
// includes followed (Apache Include/IncludeOptional, nginx include, Caddy import; globs), and its
// kind's rules run over what the proxy would read; every finding located in the user's own
// file. An include that cannot be followed is a note, and the rest is linted without it.
// I/O: reads files.
#include <string>
#include <vector>

#include "proxies/lint_finding.hpp"
#include "util/result.hpp"

namespace sc {

struct LintedFile {
  std::string path;                   // as given
  std::string kind;                   // apache | haproxy | nginx | caddy
  std::vector<std::string> included;  // the files its includes pulled in
};

// The lint model: what every renderer (terminal, JSON, JUnit, SARIF) reads.
struct LintResult {
  std::vector<LintedFile> files;
  std::vector<Finding> findings;  // by file, then line
  std::size_t count(Severity s) const;
};

// `kind` "" recognises each file's kind from its content. Errors (exit 2): a file that cannot
// be read, whose kind cannot be told, or that its proxy's grammar refuses ("FILE:LINE: ...").
Result<LintResult> lint_files(const std::vector<std::string>& paths, const std::string& kind);

// The same over one text already read (run lints the scenario's proxy configuration).
Result<LintResult> lint_text(const std::string& path, const std::string& text,
                             const std::string& kind);

// What lint finds in a scenario's own proxy configuration (`run` puts it in the report):
// nothing when there is no file or lint cannot read it (the run's checker says why).
std::vector<Finding> lint_scenario_config(const std::string& proxy_type, const std::string& path);

}  // namespace sc
