#include "proxies/apache/apache_syntax.hpp"

#include <fmt/format.h>

#include "util/text.hpp"

namespace sc::apache {

std::string Directive::lower() const { return to_lower(name); }

const std::string& Directive::arg(std::size_t i) const {
  static const std::string kNone;
  return i < args.size() ? args[i] : kNone;
}

std::vector<std::string> words(std::string_view line) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_c_space(line[i])) ++i;
    if (i >= line.size()) break;
    std::string w;
    if (line[i] == '"' || line[i] == '\'') {
      const char q = line[i++];
      while (i < line.size() && line[i] != q) {
        if (line[i] == '\\' && i + 1 < line.size() && (line[i + 1] == q || line[i + 1] == '\\'))
          ++i;
        w.push_back(line[i++]);
      }
      ++i;
    } else {
      while (i < line.size() && !is_c_space(line[i])) w.push_back(line[i++]);
    }
    out.push_back(std::move(w));
  }
  return out;
}

std::vector<LogicalLine> logical_lines(std::string_view text) {
  std::vector<LogicalLine> out;
  std::string pending;
  std::size_t start = 0, number = 0;
  for (auto raw : split(text, '\n')) {
    ++number;
    std::string_view l = raw;
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (pending.empty()) start = number;
    if (!l.empty() && l.back() == '\\') {
      pending += std::string(l.substr(0, l.size() - 1));
      continue;
    }
    pending += std::string(l);
    out.push_back({start, number, std::move(pending)});
    pending.clear();
  }
  if (!pending.empty()) out.push_back({start, number, std::move(pending)});
  return out;
}

namespace {

// "<VirtualHost *:443>" -> name VirtualHost, args {"*:443"}; "</Proxy>" -> "Proxy".
Directive section_of(std::string_view t, const LogicalLine& l, bool closing) {
  std::string body(t.substr(closing ? 2 : 1));
  while (!body.empty() && is_c_space(body.back())) body.pop_back();
  if (!body.empty() && body.back() == '>') body.pop_back();
  auto w = words(body);
  Directive d;
  d.line = l.first;
  d.last_line = l.last;
  d.section = true;
  if (!w.empty()) {
    d.name = w.front();
    d.args.assign(w.begin() + 1, w.end());
  }
  return d;
}

}  // namespace

Result<Config> parse(std::string_view text, std::string_view file) {
  Config c{std::string(file), {}};
  std::vector<Directive> open;  // sections being read, innermost last
  auto into = [&]() -> std::vector<Directive>& {
    return open.empty() ? c.directives : open.back().children;
  };
  for (const auto& l : logical_lines(text)) {
    const auto t = trim(l.text);
    if (t.empty() || t.front() == '#') continue;
    if (t.starts_with("</")) {
      const auto closing = section_of(t, l, true);
      if (open.empty() || to_lower(open.back().name) != to_lower(closing.name))
        return Error{fmt::format(
            "{}:{}: </{}> closes {}", file, l.first, closing.name,
            open.empty() ? "a section that is not open"
                         : fmt::format("<{}> opened on line {}", open.back().name,
                                       open.back().line))};
      Directive done = std::move(open.back());
      open.pop_back();
      done.close_line = l.last;
      into().push_back(std::move(done));
    } else if (t.front() == '<') {
      open.push_back(section_of(t, l, false));
    } else {
      auto w = words(t);
      Directive d;
      d.name = w.front();
      d.args.assign(w.begin() + 1, w.end());
      d.line = l.first;
      d.last_line = l.last;
      into().push_back(std::move(d));
    }
  }
  if (!open.empty())
    return Error{fmt::format("{}:{}: <{}> section is not closed", file, open.back().line,
                             open.back().name)};
  return c;
}

namespace {

void find_into(const std::vector<Directive>& within, std::string_view name,
               std::vector<const Directive*>& parents, std::vector<Found>& out) {
  for (const auto& d : within) {
    if (iequals(d.name, name)) out.push_back({&d, parents});
    if (!d.section) continue;
    parents.push_back(&d);
    find_into(d.children, name, parents, out);
    parents.pop_back();
  }
}

}  // namespace

std::vector<Found> find_all(const std::vector<Directive>& within, std::string_view name) {
  std::vector<Found> out;
  std::vector<const Directive*> parents;
  find_into(within, name, parents, out);
  return out;
}

std::string module_stem(std::string_view written) {
  std::string m = to_lower(written);
  if (m.starts_with("mod_")) m.erase(0, 4);
  if (m.ends_with(".c")) m.resize(m.size() - 2);
  if (m.ends_with("_module")) m.resize(m.size() - 7);
  return m;
}

namespace {

// Whether a section's body is read; any section but IfDefine and IfModule is.
bool applies(const Directive& d, const Conditions& c) {
  const auto name = d.lower();
  if (name != "ifdefine" && name != "ifmodule") return true;
  std::string_view test = d.arg();
  const bool negated = test.starts_with('!');
  if (negated) test.remove_prefix(1);
  const bool holds = name == "ifdefine" ? c.defines.contains(test)
                                         : c.has_module && c.has_module(module_stem(test));
  return holds != negated;
}

}  // namespace

namespace {

// The directive's ${NAME}s that a Define gave a value, replaced.
Directive substituted(const Directive& d, const Conditions& c, std::vector<Substitution>* out) {
  Directive copy = d;
  copy.children.clear();
  if (c.values.empty()) return copy;
  for (auto& a : copy.args) {
    for (std::size_t at = a.find("${"); at != std::string::npos; at = a.find("${", at)) {
      const auto end = a.find('}', at + 2);
      if (end == std::string::npos) break;
      const auto name = a.substr(at + 2, end - at - 2);
      const auto v = c.values.find(name);
      if (v == c.values.end()) {
        at = end + 1;
        continue;
      }
      if (out) out->push_back({d.line, std::max(d.line, d.last_line), name, v->second});
      a.replace(at, end + 1 - at, v->second);
      at += v->second.size();
    }
  }
  return copy;
}

void note_define(const Directive& d, Conditions& c) {
  const auto name = d.lower();
  if (name == "define" && !d.args.empty()) {
    c.defines.insert(d.arg());
    if (d.args.size() > 1) c.values[d.arg()] = d.args[1];
  }
  if (name == "undefine" && !d.args.empty()) {
    c.defines.erase(d.arg());
    c.values.erase(d.arg());
  }
}

std::vector<Directive> walk(const std::vector<Directive>& within, Conditions& c, bool evaluate,
                            std::vector<Substitution>* out) {
  std::vector<Directive> result;
  for (const auto& d : within) {
    Directive kept = substituted(d, c, out);
    note_define(kept, c);
    if (d.section) {
      if (evaluate && !applies(kept, c)) continue;
      kept.children = walk(d.children, c, evaluate, out);
    }
    result.push_back(std::move(kept));
  }
  return result;
}

}  // namespace

std::vector<Directive> evaluated(const std::vector<Directive>& within, Conditions& conditions,
                                 std::vector<Substitution>* substituted_out) {
  return walk(within, conditions, true, substituted_out);
}

std::vector<Directive> with_defines(const std::vector<Directive>& within) {
  Conditions c;
  return walk(within, c, false, nullptr);
}

}  // namespace sc::apache
