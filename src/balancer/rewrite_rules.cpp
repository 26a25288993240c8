#include "balancer/rewrite_rules.hpp"

#include <fmt/format.h>

#include "util/text.hpp"

namespace sc {

namespace {

constexpr std::string_view kBalancerScheme = "balancer://";

struct Flags {
  bool proxy = false, nocase = false, or_next = false, qsa = false;
};

// "[P,L]" -> the flags this subset models; an error names any other.
Result<Flags> read_flags(const std::string& word, bool rule) {
  if (word.size() < 2 || word.front() != '[' || word.back() != ']')
    return Error{fmt::format("expected flags in brackets, like [P,L], not '{}'", word)};
  Flags f;
  const std::string inner = word.substr(1, word.size() - 2);
  for (const auto& raw : split(inner, ',')) {
    const std::string flag = to_lower(std::string(trim(raw)));
    if (flag == "nc" || flag == "nocase")
      f.nocase = true;
    else if (!rule && (flag == "or" || flag == "ornext"))
      f.or_next = true;
    else if (rule && (flag == "p" || flag == "proxy"))
      f.proxy = true;
    else if (rule && (flag == "l" || flag == "last" || flag == "end"))
      continue;  // [P] stops anyway
    else if (rule && (flag == "qsa" || flag == "qsappend"))
      f.qsa = true;
    else
      return Error{
          fmt::format("the flag {} is not modelled by the reference balancer (it "
                      "models {})",
                      std::string(trim(raw)), rule ? "P, L, NC and QSA" : "NC and OR")};
  }
  return f;
}

Result<boost::regex> compile(const std::string& pattern, bool nocase) {
  try {
    return boost::regex(pattern,
                        nocase ? boost::regex::perl | boost::regex::icase : boost::regex::perl);
  } catch (const boost::regex_error& e) {
    return Error{fmt::format("'{}' is not a regular expression: {}", pattern, e.what())};
  }
}

// %{HTTP:NAME}, %{REQUEST_URI} or %{QUERY_STRING}, alone.
Status read_test_string(const std::string& word, RewriteCond& c) {
  const std::string lower = to_lower(word);
  if (lower == "%{request_uri}") {
    c.source = RewriteCond::Source::kPath;
  } else if (lower == "%{query_string}") {
    c.source = RewriteCond::Source::kQuery;
  } else if (lower.starts_with("%{http:") && lower.ends_with("}") && word.size() > 8 &&
             word.find_first_of("%{}$", 7) == word.size() - 1) {
    c.source = RewriteCond::Source::kHeader;
    c.header = word.substr(7, word.size() - 8);
  } else {
    return Error{
        fmt::format("the test string '{}' is not modelled by the reference balancer "
                    "(it models %{{HTTP:NAME}}, %{{REQUEST_URI}} and %{{QUERY_STRING}}, "
                    "each alone)",
                    word)};
  }
  return ok_status();
}

Result<RewriteCond> read_cond(const std::vector<std::string>& w) {
  if (w.size() < 3 || w.size() > 4)
    return Error{"expected a test string, a condition pattern and optional [flags]"};
  RewriteCond c;
  if (auto st = read_test_string(w[1], c); !st) return st.error();
  Flags flags;
  if (w.size() == 4) {
    auto f = read_flags(w[3], false);
    if (!f) return f.error();
    flags = *f;
  }
  c.nocase = flags.nocase;
  c.or_next = flags.or_next;
  std::string pattern = w[2];
  if (pattern.starts_with("!")) {
    c.negated = true;
    pattern.erase(0, 1);
  }
  if (pattern.starts_with("=")) {
    c.equals = true;
    c.text = pattern.substr(1);
    return c;
  }
  if (pattern.starts_with("-") || pattern.starts_with("<") || pattern.starts_with(">"))
    return Error{
        fmt::format("the condition '{}' is not modelled by the reference balancer (it "
                    "models =TEXT and regular expressions, each optionally negated "
                    "with !)",
                    w[2])};
  c.text = pattern;
  auto re = compile(pattern, c.nocase);
  if (!re) return re.error();
  c.regex = std::move(*re);
  return c;
}

Result<RewriteRule> read_rule(const std::vector<std::string>& w,
                              const std::function<int(const std::string&)>& balancer_index) {
  if (w.size() != 4)
    return Error{"expected a pattern, balancer://NAME/PATH and flags with P, like [P,L]"};
  auto flags = read_flags(w[3], true);
  if (!flags) return flags.error();
  if (!flags->proxy)
    return Error{
        "a rule without [P] (a redirect or an internal rewrite) is not modelled by the "
        "reference balancer: it models rules that proxy to a balancer://"};
  const std::string& target = w[2];
  if (!to_lower(target).starts_with(kBalancerScheme))
    return Error{
        fmt::format("the reference balancer proxies only to a balancer://, not to '{}'", target)};
  const auto slash = target.find('/', kBalancerScheme.size());
  const std::string name = target.substr(0, slash);
  if (name.find_first_of("$%{") != std::string::npos)
    return Error{fmt::format("the balancer's name in '{}' must be written out", target)};
  RewriteRule r;
  r.substitution = slash == std::string::npos ? "" : target.substr(slash);
  if (r.substitution.find("%{") != std::string::npos)
    return Error{
        fmt::format("server variables in '{}' are not modelled by the reference "
                    "balancer (it models $N and %N)",
                    target)};
  std::string pattern = w[1];
  if (pattern.starts_with("!")) {
    r.negated = true;
    pattern.erase(0, 1);
  }
  auto re = compile(pattern, flags->nocase);
  if (!re) return re.error();
  r.pattern = std::move(*re);
  r.balancer = balancer_index(name);
  r.qsa = flags->qsa;
  return r;
}

// A search that gives up (Boost.Regex's own bound on its work) counts as no match.
bool search(std::string_view text, const boost::regex& re, boost::match_results<const char*>& m) {
  try {
    return boost::regex_search(text.data(), text.data() + text.size(), m, re);
  } catch (const std::runtime_error&) {
    return false;
  }
}

bool cond_holds(const RewriteCond& c, std::string_view path, std::string_view query,
                const std::function<std::string_view(std::string_view)>& header,
                boost::match_results<const char*>& groups) {
  const std::string_view value = c.source == RewriteCond::Source::kPath    ? path
                                 : c.source == RewriteCond::Source::kQuery ? query
                                                                           : header(c.header);
  bool holds = false;
  if (c.equals) {
    holds = c.nocase ? to_lower(value) == to_lower(c.text) : value == c.text;
  } else {
    boost::match_results<const char*> m;
    holds = search(value, c.regex, m);
    if (holds && !c.negated) groups = m;  // %N: the last condition that matched
  }
  return holds != c.negated;
}

// httpd's chain: conditions are ANDed; one with [OR] that holds skips the rest of its chain.
bool conds_hold(const std::vector<RewriteCond>& conds, std::string_view path,
                std::string_view query,
                const std::function<std::string_view(std::string_view)>& header,
                boost::match_results<const char*>& groups) {
  for (std::size_t i = 0; i < conds.size(); ++i) {
    const bool holds = cond_holds(conds[i], path, query, header, groups);
    if (conds[i].or_next) {
      if (!holds) continue;
      while (i < conds.size() && conds[i].or_next) ++i;
    } else if (!holds) {
      return false;
    }
  }
  return true;
}

// $N from the rule's pattern, %N from the last matched condition; a group that did not take
// part is empty, as in httpd.
std::string expand(const std::string& s, const boost::match_results<const char*>& rule,
                   const boost::match_results<const char*>& cond) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if ((c == '$' || c == '%') && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '9') {
      const auto& m = c == '$' ? rule : cond;
      const auto n = static_cast<std::size_t>(s[++i] - '0');
      if (n < m.size() && m[n].matched) out.append(m[n].first, m[n].second);
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

Status read_rewrite_directive(const std::vector<std::string>& w, RewriteRules& rules,
                              std::vector<RewriteCond>& pending,
                              const std::function<int(const std::string&)>& balancer_index) {
  const std::string d = to_lower(w[0]);
  if (d == "rewriteengine") {
    const std::string v = w.size() == 2 ? to_lower(w[1]) : "";
    if (v != "on" && v != "off") return Error{"expected On or Off"};
    rules.engine = v == "on";
    return ok_status();
  }
  if (d == "rewritecond") {
    auto c = read_cond(w);
    if (!c) return c.error();
    pending.push_back(std::move(*c));
    return ok_status();
  }
  if (d == "rewriterule") {
    auto r = read_rule(w, balancer_index);
    if (!r) return r.error();
    r->conds = std::move(pending);
    pending.clear();
    rules.rules.push_back(std::move(*r));
    return ok_status();
  }
  return Error{
      "is not modelled by the reference balancer (of mod_rewrite it models "
      "RewriteEngine, RewriteCond and RewriteRule ... [P])"};
}

std::optional<RewriteTarget> apply_rewrite_rules(
    const RewriteRules& rules, std::string_view path, std::string_view query,
    const std::function<std::string_view(std::string_view)>& header) {
  if (!rules.engine) return std::nullopt;
  for (const auto& rule : rules.rules) {
    boost::match_results<const char*> groups, cond_groups;
    if (search(path, rule.pattern, groups) == rule.negated) continue;
    if (rule.negated) groups = boost::match_results<const char*>();
    if (!conds_hold(rule.conds, path, query, header, cond_groups)) continue;
    const std::string expanded = expand(rule.substitution, groups, cond_groups);
    RewriteTarget t;
    t.balancer = rule.balancer;
    const auto mark = expanded.find('?');
    t.path = expanded.substr(0, mark);
    if (t.path.empty() || t.path.front() != '/') t.path.insert(0, "/");
    if (mark == std::string::npos) {
      if (!query.empty()) t.query = fmt::format("?{}", query);
    } else {
      t.query = expanded.substr(mark);
      if (rule.qsa && !query.empty()) t.query += fmt::format("&{}", query);
      if (t.query == "?") t.query.clear();
    }
    return t;
  }
  return std::nullopt;
}

}  // namespace sc
