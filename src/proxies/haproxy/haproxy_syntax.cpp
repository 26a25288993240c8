#include "proxies/haproxy/haproxy_syntax.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <set>

#include "util/text.hpp"

namespace sc::haproxy {

namespace {

const std::set<std::string, std::less<>> kSections = {
    "global", "defaults", "frontend", "backend", "listen",      "resolvers", "peers",
    "userlist", "program", "cache",   "http-errors", "ring", "mailers"};

}  // namespace

const std::string& Line::word(std::size_t i) const {
  static const std::string kNone;
  return i < words.size() ? words[i] : kNone;
}

bool is_section_keyword(std::string_view word) { return kSections.contains(to_lower(word)); }

std::vector<std::string> words(std::string_view line) {
  std::vector<std::string> out;
  std::string cur;
  bool in_word = false;
  char quote = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quote) {
      if (c == '\\' && quote == '"' && i + 1 < line.size()) cur += line[++i];
      else if (c == quote) quote = 0;
      else cur += c;
      continue;
    }
    if (is_c_space(c)) {
      if (in_word) out.push_back(std::move(cur));
      cur.clear();
      in_word = false;
      continue;
    }
    if (c == '#' && !in_word) break;
    in_word = true;
    if (c == '"' || c == '\'') quote = c;
    else if (c == '\\' && i + 1 < line.size()) cur += line[++i];
    else cur += c;
  }
  if (in_word) out.push_back(std::move(cur));
  return out;
}

Config parse(std::string_view text) {
  Config c;
  std::size_t number = 0;
  for (auto raw : split(text, '\n')) {
    ++number;
    auto w = words(raw);
    if (w.empty()) continue;
    if (is_section_keyword(w[0])) {
      c.sections.push_back({to_lower(w[0]), w.size() > 1 ? w[1] : "", number, {}});
      continue;
    }
    if (c.sections.empty()) c.sections.push_back({"", "", 0, {}});  // before any section
    c.sections.back().lines.push_back({std::move(w), number});
  }
  return c;
}

namespace {

// One ACL test on the path: path_beg /api, path /login, path_end .php (with -i: any case).
std::optional<bool> path_test(const std::vector<std::string>& test, std::string_view path) {
  if (test.empty()) return std::nullopt;
  const std::string criterion = to_lower(test[0]);
  bool nocase = false;
  std::vector<std::string> values;
  for (std::size_t i = 1; i < test.size(); ++i) {
    if (test[i] == "-i") nocase = true;
    else if (test[i] == "-m" || test[i].starts_with("-")) return std::nullopt;
    else values.push_back(test[i]);
  }
  const std::string p = nocase ? to_lower(path) : std::string(path);
  auto any = [&](auto pred) {
    return std::any_of(values.begin(), values.end(), [&](const std::string& v) {
      return pred(nocase ? to_lower(v) : v);
    });
  };
  if (criterion == "path_beg") return any([&](const std::string& v) { return p.starts_with(v); });
  if (criterion == "path") return any([&](const std::string& v) { return p == v; });
  if (criterion == "path_end") return any([&](const std::string& v) { return p.ends_with(v); });
  return std::nullopt;  // a criterion not about the path (or not read here)
}

struct Acls {
  std::vector<std::pair<std::string, std::vector<std::string>>> tests;  // name -> its test

  std::optional<bool> named(std::string_view name, std::string_view path) const {
    bool found = false, any = false;
    for (const auto& [n, test] : tests) {
      if (n != name) continue;
      found = true;
      auto r = path_test(test, path);
      if (!r) return std::nullopt;
      any = any || *r;
    }
    if (!found) return std::nullopt;
    return any;
  }
};

// `if`/`unless` conditions: terms ANDed, groups ORed by `||` or `or`; `!` negates a term.
std::optional<bool> condition(const std::vector<std::string>& w, std::size_t from,
                              const Acls& acls, std::string_view path) {
  if (from >= w.size()) return true;
  const bool unless = w[from] == "unless";
  if (w[from] != "if" && !unless) return std::nullopt;
  bool result = false, group = true;
  for (std::size_t i = from + 1; i <= w.size(); ++i) {
    if (i == w.size() || w[i] == "||" || w[i] == "or") {
      result = result || group;
      group = true;
      continue;
    }
    std::string term = w[i];
    bool negate = false;
    while (term.starts_with('!') || term.empty()) {  // "!a", "! a", "!!a"
      if (term.empty()) {
        if (++i >= w.size()) return std::nullopt;
        term = w[i];
        continue;
      }
      negate = !negate;
      term = term.substr(1);
    }
    std::optional<bool> value;
    if (term == "{") {
      std::vector<std::string> inline_test;
      for (++i; i < w.size() && w[i] != "}"; ++i) inline_test.push_back(w[i]);
      value = path_test(inline_test, path);
    } else {
      value = acls.named(term, path);
    }
    if (!value) return std::nullopt;
    group = group && (negate ? !*value : *value);
  }
  return unless ? !result : result;
}

const Section* section_named(const Config& c, std::string_view name) {
  for (const auto& s : c.sections)
    if ((s.kind == "backend" || s.kind == "listen") && s.name == name) return &s;
  return nullptr;
}

}  // namespace

PoolChoice choose_pool(const Config& config, std::string_view path) {
  path = path.substr(0, path.find('?'));  // HAProxy's path tests see no query
  PoolChoice out;
  // The first frontend that sends traffic somewhere: one that only redirects (port 80 to
  // https) names no pool.
  const auto names_a_pool = [](const Section& s) {
    return s.kind == "listen" || std::any_of(s.lines.begin(), s.lines.end(), [](const Line& l) {
             return l.word(0) == "use_backend" || l.word(0) == "default_backend";
           });
  };
  for (const auto& s : config.sections)
    if ((s.kind == "frontend" || s.kind == "listen") && (!out.frontend || names_a_pool(s))) {
      const bool found = names_a_pool(s);
      out.frontend = &s;
      if (found) break;
    }
  if (!out.frontend) return out;
  Acls acls;
  for (const auto& l : out.frontend->lines)
    if (l.word(0) == "acl" && l.words.size() > 2)
      acls.tests.push_back({l.words[1], {l.words.begin() + 2, l.words.end()}});
  // As HAProxy decides: the use_backend rules in order, then default_backend, wherever it is.
  for (const auto& l : out.frontend->lines) {
    if (l.word(0) != "use_backend") continue;
    if (!out.pool && condition(l.words, 2, acls, path).value_or(false)) {
      out.pool = section_named(config, l.word(1));
      out.why = fmt::format("use_backend {} (line {}), whose condition {} meets", l.word(1),
                            l.line, path);
    } else {
      out.others.push_back(fmt::format("{} (line {})", l.word(1), l.line));
    }
  }
  for (const auto& l : out.frontend->lines) {
    if (l.word(0) != "default_backend") continue;
    if (!out.pool) {
      out.pool = section_named(config, l.word(1));
      out.why = fmt::format("default_backend {} (line {})", l.word(1), l.line);
    } else {
      out.others.push_back(fmt::format("{} (line {})", l.word(1), l.line));
    }
  }
  // A default_backend written in the `defaults` section before the frontend is its own too.
  const Section* defaults = nullptr;
  for (const auto& sec : config.sections) {
    if (&sec == out.frontend) break;
    if (sec.kind == "defaults") defaults = &sec;
  }
  for (const auto* l = defaults ? defaults->lines.data() : nullptr;
       !out.pool && l && l != defaults->lines.data() + defaults->lines.size(); ++l)
    if (l->word(0) == "default_backend") {
      out.pool = section_named(config, l->word(1));
      out.why = fmt::format("default_backend {} (line {}, in defaults)", l->word(1), l->line);
    }
  if (!out.pool && out.frontend->kind == "listen") {
    out.pool = out.frontend;
    out.why = fmt::format("listen {} (line {})", out.frontend->name, out.frontend->line);
  }
  return out;
}

namespace {

bool hashes_the_client(std::string_view algorithm) {
  return algorithm == "source" || algorithm == "uri" || algorithm == "url_param" ||
         algorithm.starts_with("hdr") || algorithm.starts_with("rdp-cookie");
}

std::string written(const Line& l) {
  std::string out;
  for (const auto& w : l.words) out += (out.empty() ? "" : " ") + w;
  return fmt::format("{} (line {})", out, l.line);
}

// The section's own directive that makes it stick, or "" (and `balance` as it stands in `bal`).
std::string own_stickiness(const Section& s, const Line*& bal) {
  for (const auto& l : s.lines) {
    const auto& w = l.word(0);
    if (w == "cookie" || (w == "stick" && (l.word(1) == "on" || l.word(1) == "match")))
      return written(l);
    if (w == "balance") bal = &l;
  }
  return "";
}

}  // namespace

std::string stickiness(const Config& config, const Section& pool) {
  const Section* defaults = nullptr;
  for (const auto& s : config.sections) {
    if (&s == &pool) break;
    if (s.kind == "defaults") defaults = &s;
  }
  const Line* bal = nullptr;
  if (auto own = own_stickiness(pool, bal); !own.empty()) return own;
  const Line* inherited = nullptr;
  if (defaults)
    if (auto d = own_stickiness(*defaults, inherited); !d.empty()) return d;
  if (!bal) bal = inherited;
  if (bal && hashes_the_client(bal->word(1))) return written(*bal);
  return "";
}

}  // namespace sc::haproxy
