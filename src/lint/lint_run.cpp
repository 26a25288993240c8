#include "lint/lint_run.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <tuple>

#include "proxies/apache/apache_lint.hpp"
#include "proxies/caddy/caddy_lint.hpp"
#include "proxies/config_includes.hpp"
#include "proxies/haproxy/haproxy_lint.hpp"
#include "proxies/nginx/nginx_lint.hpp"
#include "proxies/proxy_detect.hpp"
#include "util/text.hpp"

namespace sc {
namespace {

Result<std::vector<Finding>> rules_of(const std::string& kind, std::string_view text,
                                      const std::string& file) {
  if (kind == "apache") return apache::lint(text, file);
  if (kind == "nginx") return nginx::lint(text, file);
  if (kind == "caddy") return caddy::lint(text, file);
  return haproxy::lint(text, file);
}

// "FILE:LINE: message" as the include splicer writes its notes.
Finding include_note(const std::string& note) {
  Finding f = make_finding("lint/include-not-followed", "", 0, note, "", "");
  const auto first = note.find(':'), second = note.find(": ", first + 1);
  if (first == std::string::npos || second == std::string::npos) return f;
  f.file = note.substr(0, first);
  f.line = static_cast<std::size_t>(std::atol(note.substr(first + 1, second - first - 1).c_str()));
  f.message = note.substr(second + 2);
  f.why = "what it pulls in is not linted";
  f.fix = "lint the included files too, or run lint where they are";
  return f;
}

// Apache's, nginx's and Caddy's includes spliced in; a spliced line remembers its file and line.
struct Expanded {
  Spliced spliced;
  std::vector<Finding> notes;
};

Expanded expand(const std::string& kind, const std::string& path, const std::string& text) {
  Expanded e;
  e.spliced.text = text;
  // HAProxy has no include (it takes several -f files): its text comes back as it is.
  auto spliced = splice_includes(kind, path, text);
  if (!spliced) {  // the file alone is linted; what failed is said
    e.notes.push_back(include_note(spliced.error().message));
    return e;
  }
  e.spliced = std::move(*spliced);
  for (const auto& n : e.spliced.notes)
    if (n.find(" left out: ") != std::string::npos) e.notes.push_back(include_note(n));
  return e;
}

void locate(Finding& f, const Spliced& s) {
  if (s.origins.empty() || f.line == 0 || f.line > s.origins.size()) return;
  const auto& [file, line] = s.origins[f.line - 1];
  f.file = file;
  f.line = line;
}

std::string without_placeholders(std::string text) {
  for (auto open = text.find("{{"); open != std::string::npos; open = text.find("{{", open)) {
    const auto close = text.find("}}", open);
    if (close == std::string::npos || text.find('\n', open) < close) break;
    text.replace(close, 2, "");
    text.replace(open, 2, "");
  }
  return text;
}

// By file, then line; the same finding reached twice (two balancers sharing one recipe) once.
void tidy(std::vector<Finding>& findings) {
  std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.file, a.line) < std::tie(b.file, b.line);
  });
  findings.erase(std::unique(findings.begin(), findings.end(),
                             [](const Finding& a, const Finding& b) {
                               return a.rule == b.rule && a.file == b.file && a.line == b.line &&
                                      a.message == b.message;
                             }),
                 findings.end());
}

std::vector<std::string> included_files(const Spliced& s, const std::string& path) {
  std::vector<std::string> out;
  for (const auto& [file, line] : s.origins)
    if (file != path && std::find(out.begin(), out.end(), file) == out.end()) out.push_back(file);
  return out;
}

// A grammar's "PATH:LINE:..." error over the spliced text, pointed at the file and line the
// user wrote (an included file's, when the mistake is there).
Error relocated(const Error& error, const std::string& path, const Spliced& s) {
  const std::string& m = error.message;
  if (s.origins.empty() || !m.starts_with(path + ":")) return error;
  const std::size_t at = path.size() + 1;
  std::size_t end = at;
  while (end < m.size() && m[end] >= '0' && m[end] <= '9') ++end;
  const std::size_t line = static_cast<std::size_t>(std::atol(m.substr(at, end - at).c_str()));
  if (end == at || line == 0 || line > s.origins.size()) return error;
  const auto& [file, original] = s.origins[line - 1];
  return Error{fmt::format("{}:{}{}", file, original, m.substr(end))};
}

}  // namespace

std::size_t LintResult::count(Severity s) const {
  return static_cast<std::size_t>(std::count_if(findings.begin(), findings.end(),
                                                [s](const Finding& f) { return f.severity == s; }));
}

Result<LintResult> lint_text(const std::string& path, const std::string& text,
                             const std::string& given_kind) {
  const std::string kind = given_kind.empty() ? detect_proxy_kind(text) : given_kind;
  if (kind.empty())
    return Error{
        fmt::format("{}: cannot tell which proxy this configuration is for; name it "
                    "with --proxy apache|haproxy|nginx|caddy",
                    path)};
  Expanded e = expand(kind, path, text);
  auto findings = rules_of(kind, e.spliced.text, path);
  if (!findings) return relocated(findings.error(), path, e.spliced);
  LintResult r;
  r.files.push_back({path, kind, included_files(e.spliced, path)});
  for (auto& f : *findings) {
    locate(f, e.spliced);
    r.findings.push_back(std::move(f));
  }
  for (auto& n : e.notes) r.findings.push_back(std::move(n));
  tidy(r.findings);
  return r;
}

Result<LintResult> lint_files(const std::vector<std::string>& paths, const std::string& kind) {
  LintResult all;
  for (const auto& path : paths) {
    auto text = read_text_file(path);
    if (!text) return Error{fmt::format("{}: cannot read the file", path)};
    auto one = lint_text(path, *text, kind);
    if (!one) return one.error();
    for (auto& f : one->files) all.files.push_back(std::move(f));
    for (auto& f : one->findings) all.findings.push_back(std::move(f));
  }
  tidy(all.findings);
  return all;
}

std::vector<Finding> lint_scenario_config(const std::string& proxy_type, const std::string& path) {
  if (path.empty()) return {};
  // The reference balancer reads an Apache configuration.
  const std::string kind = proxy_type == "reference" ? "apache" : proxy_type;
  if (kind != "apache" && kind != "haproxy" && kind != "nginx" && kind != "caddy") return {};
  auto text = read_text_file(path);
  if (!text) return {};
  // A bundled template (NAME.in) is read with its placeholders as plain words ("{{listen}}"
  // -> "listen"), line for line, as the grammars would choke on the braces.
  if (path.ends_with(".in")) *text = without_placeholders(*text);
  auto r = lint_text(path, *text, kind);
  return r ? std::move(r->findings) : std::vector<Finding>{};
}

}  // namespace sc
