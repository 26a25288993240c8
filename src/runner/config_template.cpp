#include "runner/config_template.hpp"

#include <fmt/format.h>

#include <map>

#include "util/text.hpp"

namespace sc {

namespace {

using Vars = std::map<std::string, std::string, std::less<>>;

// Replaces every {{name}} in `line` from `vars`; the first unknown name is an error.
Result<std::string> substitute(std::string_view line, const Vars& vars, const std::string& known) {
  std::string out;
  std::size_t i = 0;
  while (i < line.size()) {
    const auto open = line.find("{{", i);
    if (open == std::string_view::npos) break;
    const auto close = line.find("}}", open + 2);
    if (close == std::string_view::npos) return Error{"'{{' without a closing '}}'"};
    out.append(line.substr(i, open - i));
    const auto name = trim(line.substr(open + 2, close - open - 2));
    auto it = vars.find(name);
    if (it == vars.end())
      return Error{fmt::format("unknown placeholder {{{{{}}}}}; expected one of {}", name, known)};
    out += it->second;
    i = close + 2;
  }
  out.append(line.substr(i));
  return out;
}

// A template's {{runtime_dir}} stands inside a word of the configuration language. When the
// directory needs quoting (TMPDIR="/tmp/my dir"), that whole word is double-quoted, which
// Apache, nginx, HAProxy and Caddy all read as one word ("file:/tmp/my dir/x"); a word the
// template quotes itself is left as it is.
std::string quote_runtime_words(std::string_view line) {
  static constexpr std::string_view kPlaceholder = "{{runtime_dir}}";
  auto ends_word = [](char c) { return is_c_space(c) || c == ';'; };
  std::string out(line);
  bool quoted = false;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i] == '"') quoted = !quoted;
    if (quoted || out.compare(i, kPlaceholder.size(), kPlaceholder) != 0) continue;
    std::size_t start = i, end = i + kPlaceholder.size();
    while (start > 0 && !ends_word(out[start - 1])) --start;
    while (end < out.size() && !ends_word(out[end])) ++end;
    out.insert(end, "\"");
    out.insert(start, "\"");
    i = end + 1;  // past the closing quote
  }
  return out;
}

}  // namespace

Result<std::vector<std::string>> render_template_line(std::string_view line,
                                                      const TemplateValues& v) {
  Vars globals = {{"listen_port", std::to_string(v.listen_port)},
                  {"listen", fmt::format("127.0.0.1:{}", v.listen_port)},
                  {"runtime_dir", v.runtime_dir}};
  std::string global_names = "listen_port, listen, runtime_dir";
  for (const auto& [name, value] : v.extra) {
    globals[name] = value;
    global_names += ", " + name;
  }
  global_names += ", each_backend";
  std::vector<std::string> out;
  if (line.find("{{each_backend}}") == std::string_view::npos) {
    auto r = substitute(line, globals, global_names);
    if (!r) return r.error();
    out.push_back(std::move(*r));
    return out;
  }
  const std::string backend_names = global_names + ", name, route, address, port, weight, index";
  for (std::size_t k = 0; k < v.backends.size(); ++k) {
    const auto& b = v.backends[k];
    Vars vars = globals;
    vars.insert({{"each_backend", ""},
                 {"name", b.name},
                 {"route", b.route},
                 {"address", fmt::format("127.0.0.1:{}", b.port)},
                 {"port", std::to_string(b.port)},
                 {"weight", b.weight},
                 {"index", std::to_string(k + 1)}});
    auto r = substitute(line, vars, backend_names);
    if (!r) return r.error();
    out.push_back(std::move(*r));
  }
  return out;
}

Result<std::string> render_config_template(std::string_view text, const std::string& file,
                                           const TemplateValues& v) {
  std::string out;
  auto lines = split(text, '\n');
  if (text.ends_with('\n') && !lines.empty() && lines.back().empty()) lines.pop_back();
  std::size_t line_no = 0;
  // What would end a word unquoted; the quotes cannot hold '"', '\\', '$', '{' or '}' (refused
  // by adapt_config).
  const bool quote = v.runtime_dir.find_first_of(" \t#;'") != std::string::npos;
  for (auto line : lines) {
    ++line_no;
    auto rendered = render_template_line(quote ? quote_runtime_words(line) : std::string(line), v);
    if (!rendered) return Error{fmt::format("{}:{}: {}", file, line_no, rendered.error().message)};
    for (const auto& l : *rendered) out += l + "\n";
  }
  if (!out.empty() && !text.ends_with('\n')) out.pop_back();
  return out;
}

}  // namespace sc
