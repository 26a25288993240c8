#pragma once
// Renders a proxy's configuration template (fixtures/<proxy>/*.in) for one run: a pure
// function of the text and the run's values, so that every placeholder error is located.
//
//   {{listen_port}} {{listen}} (127.0.0.1:PORT) {{runtime_dir}}
//   a line containing {{each_backend}} is written once per backend, with
//   {{name}} {{route}} {{address}} (127.0.0.1:PORT) {{port}} {{weight}} {{index}} (1-based)
// A `command` proxy's arguments are rendered the same way, one argument as one line, with
// {{config}} (the rendered configuration) and {{stickycheck}} (this executable) as well.
//
// No value can add a directive or break a word: each keeps to a strict character set checked
// when the scenario is validated, or is quoted for the configuration's language.
//   strict: {{listen_port}} {{port}} {{index}} (digits), {{listen}} {{address}}
//     (127.0.0.1:PORT), {{weight}} (a number from 1 to 100), {{name}} (letters, digits, '-',
//     '_', '.'), {{route}} (letters, digits, '-', '_', '.', '~', at most 64: is_route in
//     backend/backend_check.hpp; a route taken from an Apache file is checked the same way,
//     runner/apache_site_values.hpp).
//   quoted: {{runtime_dir}} (a directory under $TMPDIR): when it holds a blank, '#', ';' or
//     '\'', the word it stands in is double-quoted, as Apache, nginx, HAProxy and Caddy all read
//     "..." as one word; what no quoting protects ('"', '\\', '$', '`', '{', '}', control
//     characters) is refused by adapt_config. The paths the adapters write are quoted alike.
//   {{config}} and {{stickycheck}}: command-line arguments, one each, never through a shell.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace sc {

struct TemplateBackend {
  std::string name;
  std::string route;
  std::uint16_t port = 0;
  std::string weight;
};

struct TemplateValues {
  std::uint16_t listen_port = 0;
  std::string runtime_dir;
  std::vector<TemplateBackend> backends;
  // More placeholders, {{name}} -> value (a command line's {{config}} and {{stickycheck}}).
  std::vector<std::pair<std::string, std::string>> extra;
};

// One line: itself with the placeholders replaced, or once per backend when it holds
// {{each_backend}}. Errors read "unknown placeholder {{x}}; expected one of ...".
Result<std::vector<std::string>> render_template_line(std::string_view line,
                                                      const TemplateValues& values);

// Errors read "FILE:LINE: unknown placeholder {{x}}; expected one of ...".
Result<std::string> render_config_template(std::string_view text, const std::string& file,
                                           const TemplateValues& values);

}  // namespace sc
