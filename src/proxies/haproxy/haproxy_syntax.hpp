#pragma once
// HAProxy's configuration language as HAProxy reads it: sections (global, defaults, frontend,
// backend, listen...) opened by a keyword at any indentation and running to the next one;
// inside, one directive per line, words split at blanks, "..." and '...' grouping them, '\'
// escaping, '#' starting a comment where a word would start. Every directive keeps its line.
// Pure: text in, sections out.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sc::haproxy {

struct Line {
  std::vector<std::string> words;  // quotes removed, escapes applied
  std::size_t line = 0;            // 1-based
  const std::string& word(std::size_t i) const;
};

struct Section {
  std::string kind;  // "frontend", "backend", "listen", "defaults", "global", ...
  std::string name;  // "" for global and an unnamed defaults
  std::size_t line = 0;
  std::vector<Line> lines;  // the directives inside, in order
};

struct Config {
  std::vector<Section> sections;
};

// Whether a word opens a section.
bool is_section_keyword(std::string_view word);
std::vector<std::string> words(std::string_view line);
Config parse(std::string_view text);

// The pool that serves `path` on the first frontend (or listen section) that names one: the first
// `use_backend NAME if|unless ...` whose condition `path` meets, where the condition is one the
// reader evaluates (path_beg, path, path_end, path_reg aside; inline `{ ... }` or named ACLs,
// `!` negation, several ACLs all true), else default_backend; a listen section serves itself.
struct PoolChoice {
  const Section* frontend = nullptr;  // null: no frontend or listen section
  const Section* pool = nullptr;      // the backend (or listen) section; null: none found
  std::string why;                    // "default_backend app (line 9)", "use_backend ... (line 7)"
  std::vector<std::string> others;    // the other pools the frontend names, as "NAME (line N)"
};
PoolChoice choose_pool(const Config& config, std::string_view path);

// What `pool` sticks by, as written: its `cookie` line, a `stick on`/`stick match`, or a
// `balance` that hashes the client (source, uri, url_param, hdr, rdp-cookie), its own or the
// last `defaults` section's before it ("cookie SRV insert indirect nocache (line 12)"); ""
// when nothing does: every request is balanced afresh.
std::string stickiness(const Config& config, const Section& pool);

}  // namespace sc::haproxy
