#pragma once
// Apache httpd's configuration language read as httpd reads it: one directive per logical
// line (a trailing '\' continues it), words split at blanks with "..." and '...' grouping
// them, '#' starting a comment only at the start of a line, and <Section ...> ... </Section>
// nesting, with the first and last physical line of every directive. Pure: text in, tree out;
// `Include` is a directive like any other (the resolve step follows it).
#include <cstddef>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/result.hpp"

namespace sc::apache {

struct Directive {
  std::string name;               // as written, without '<' for a section ("VirtualHost")
  std::vector<std::string> args;  // quotes removed; a section's '>' taken off its last word
  std::size_t line = 0;           // 1-based: the first physical line
  std::size_t last_line = 0;      // the last physical line (continuations)
  bool section = false;
  std::size_t close_line = 0;  // a section's </Name> line
  std::vector<Directive> children;

  std::string lower() const;  // the name in lower case, as httpd compares names
  const std::string& arg(std::size_t i = 0) const;
};

struct Config {
  std::string file;
  std::vector<Directive> directives;
};

// Words as httpd splits a directive's arguments: blanks separate, "..." and '...' group, a
// backslash escapes the quote or a backslash inside quotes.
std::vector<std::string> words(std::string_view line);

// Logical lines: continuations joined, each with its first and last physical line (1-based).
struct LogicalLine {
  std::size_t first = 0, last = 0;
  std::string text;
};
std::vector<LogicalLine> logical_lines(std::string_view text);

// A located error ("FILE:LINE: ...") for sections that do not nest: a </Name> that closes
// nothing or another section, a section never closed.
Result<Config> parse(std::string_view text, std::string_view file);

// Every directive named `name` (lower case) under `within`, depth first, with the sections
// around it (outermost first).
struct Found {
  const Directive* directive = nullptr;
  std::vector<const Directive*> parents;
};
std::vector<Found> find_all(const std::vector<Directive>& within, std::string_view name);

// What <IfDefine> and <IfModule> test, as httpd evaluates them while it reads: the names
// defined so far (`Define`, `UnDefine`, or -D), and whether a module is loaded or compiled in
// (by its stem: "ssl" for mod_ssl.c and ssl_module).
struct Conditions {
  std::set<std::string, std::less<>> defines;
  std::function<bool(std::string_view stem)> has_module;
  // `Define NAME VALUE`'s values so far, which ${NAME} in later directives reads.
  std::map<std::string, std::string, std::less<>> values;
};

// A ${NAME} replaced by a Define's value, on the physical lines [line, last_line] of a
// directive: what an adapter writes into the file's own lines too, so that what it finds in
// the tree (a member's address) is found in the text.
struct Substitution {
  std::size_t line = 0, last_line = 0;
  std::string name, value;
};

// The module a <IfModule> names, by its stem: "mod_ssl.c" and "ssl_module" -> "ssl".
std::string module_stem(std::string_view written);

// The tree httpd reads: <IfDefine [!]NAME> and <IfModule [!]MODULE> sections whose test fails
// are taken out (with all they hold), and those that pass are kept; Define and UnDefine change
// `conditions` in file order, as httpd reads them. Line numbers are kept.
// ${NAME} in arguments is replaced by the value a `Define NAME VALUE` before it gave (httpd
// leaves an undefined one as written, and so does this: an environment variable such as
// Debian's ${APACHE_LOG_DIR} is httpd's to expand); each replacement goes to `substituted`.
std::vector<Directive> evaluated(const std::vector<Directive>& within, Conditions& conditions,
                                 std::vector<Substitution>* substituted = nullptr);
// Only the ${NAME} replacement, every section read (for a reader that evaluates sections
// itself); Defines apply in file order.
std::vector<Directive> with_defines(const std::vector<Directive>& within);

}  // namespace sc::apache
