#include "proxies/caddy/caddy_syntax.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "util/text.hpp"

namespace sc::caddy {

const std::string& Directive::name() const {
  static const std::string kNone;
  return tokens.empty() ? kNone : tokens.front();
}

const std::string& Directive::arg(std::size_t i) const {
  static const std::string kNone;
  return i + 1 < tokens.size() ? tokens[i + 1] : kNone;
}

namespace {

struct Token {
  std::string text;
  std::size_t line = 0;
  bool quoted = false;
  bool is(std::string_view s) const { return !quoted && text == s; }
};

Result<std::vector<Token>> lex(std::string_view text, std::string_view file) {
  std::vector<Token> out;
  std::size_t line = 1, i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '\n') ++line;
    if (is_c_space(c)) {
      ++i;
      continue;
    }
    if (c == '#') {  // a comment only where a token starts
      while (i < text.size() && text[i] != '\n') ++i;
      continue;
    }
    Token t{"", line, c == '"' || c == '`'};
    if (t.quoted) {
      const char q = c;
      for (++i; i < text.size() && text[i] != q; ++i) {
        if (text[i] == '\n') ++line;
        if (q == '"' && text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '"') ++i;
        t.text += text[i];
      }
      if (i >= text.size())
        return Error{fmt::format("{}:{}: this quote is never closed", file, t.line)};
      ++i;
    } else {
      while (i < text.size() && !is_c_space(text[i])) t.text += text[i++];
    }
    out.push_back(std::move(t));
  }
  return out;
}

class Builder {
 public:
  Builder(std::vector<Token> tokens, std::string_view file)
      : tokens_(std::move(tokens)), file_(file) {}

  // Directives up to the '}' closing the block opened on `open_line` (0: the file's end).
  Result<std::vector<Directive>> block(std::size_t open_line) {
    std::vector<Directive> out;
    while (at_ < tokens_.size()) {
      if (tokens_[at_].is("}")) {
        if (open_line == 0)
          return Error{fmt::format("{}:{}: unexpected '}}'", file_, tokens_[at_].line)};
        ++at_;
        return out;
      }
      auto d = directive();
      if (!d) return d.error();
      out.push_back(std::move(*d));
    }
    if (open_line != 0)
      return Error{fmt::format("{}:{}: this '{{' is never closed", file_, open_line)};
    return out;
  }

 private:
  // The tokens of one line; a last '{' opens the directive's block.
  Result<Directive> directive() {
    Directive d;
    d.line = tokens_[at_].line;
    while (at_ < tokens_.size() && tokens_[at_].line == d.line && !tokens_[at_].is("}")) {
      if (tokens_[at_].is("{") &&
          (at_ + 1 == tokens_.size() || tokens_[at_ + 1].line != d.line)) {
        ++at_;
        d.block = true;
        auto children = block(d.line);
        if (!children) return children.error();
        d.children = std::move(*children);
        return d;
      }
      d.tokens.push_back(tokens_[at_++].text);
    }
    return d;
  }

  std::vector<Token> tokens_;
  std::string_view file_;
  std::size_t at_ = 0;
};

// "a.example.com," "b.example.com" -> two addresses.
void split_addresses(Directive& site) {
  std::vector<std::string> out;
  for (const auto& t : site.tokens)
    for (auto part : split(t, ','))
      if (!trim(part).empty()) out.emplace_back(trim(part));
  site.tokens = std::move(out);
}

bool glob_match(std::string_view pattern, std::string_view path) {
  const auto star = pattern.find('*');
  if (star == std::string_view::npos) return pattern == path;
  const auto head = pattern.substr(0, star), tail = pattern.substr(star + 1);
  if (!path.starts_with(head)) return false;
  for (std::size_t from = head.size(); from <= path.size(); ++from)
    if (glob_match(tail, path.substr(from))) return true;
  return false;
}

bool is_matcher(std::string_view token) {
  return token.starts_with('/') || token.starts_with('@') || token == "*";
}

struct Walk {
  std::map<std::string, std::vector<std::string>> named;  // @name -> its path patterns
  struct Found {
    const Directive* proxy;
    std::string matcher;
  };
  std::vector<Found> proxies;
  const Config* config = nullptr;

  void matchers(const std::vector<Directive>& within) {
    for (const auto& d : within) {
      if (!d.name().starts_with('@')) continue;
      if (d.arg(0) == "path")
        for (std::size_t i = 2; i < d.tokens.size(); ++i) named[d.name()].push_back(d.tokens[i]);
      for (const auto& c : d.children)
        if (c.name() == "path")
          for (std::size_t i = 1; i < c.tokens.size(); ++i) named[d.name()].push_back(c.tokens[i]);
    }
  }

  void directives(const std::vector<Directive>& within, const std::string& around, int depth) {
    if (depth > 8) return;  // snippets importing each other
    matchers(within);
    for (const auto& d : within) {
      const auto& n = d.name();
      if (n == "reverse_proxy") {
        proxies.push_back({&d, is_matcher(d.arg(0)) ? d.arg(0) : around});
      } else if (n == "handle" || n == "handle_path" || n == "route") {
        directives(d.children, is_matcher(d.arg(0)) ? d.arg(0) : around, depth);
      } else if (n == "import") {
        for (const auto& s : *config)
          if (s.name() == "(" + d.arg(0) + ")") directives(s.children, around, depth + 1);
      }
    }
  }

  // How specifically `matcher` meets `path`: -1 not at all, 0 no matcher, else its length.
  int specificity(const std::string& matcher, std::string_view path) const {
    if (matcher.empty() || matcher == "*") return 0;
    std::vector<std::string> patterns = {matcher};
    if (matcher.starts_with('@')) {
      auto it = named.find(matcher);
      if (it == named.end()) return -1;  // a matcher on something else than the path
      patterns = it->second;
    }
    int best = -1;
    for (const auto& p : patterns)
      if (glob_match(p, path)) best = std::max(best, static_cast<int>(p.size()));
    return best;
  }
};

}  // namespace

Result<Config> parse(std::string_view text, std::string_view file) {
  auto tokens = lex(text, file);
  if (!tokens) return tokens.error();
  Builder b(std::move(*tokens), file);
  auto top = b.block(0);
  if (!top) return top.error();
  Config c = std::move(*top);
  // A file with no braces at the top is one site: the first line its addresses.
  const bool braced = std::any_of(c.begin(), c.end(), [](const Directive& d) { return d.block; });
  if (!braced && !c.empty()) {
    Directive site = std::move(c.front());
    site.block = true;
    site.children.assign(std::make_move_iterator(c.begin() + 1), std::make_move_iterator(c.end()));
    c = {std::move(site)};
  }
  for (auto& d : c)
    if (d.block && !d.tokens.empty() && !d.name().starts_with('(')) split_addresses(d);
  return c;
}

ProxyChoice choose_proxy(const Config& config, std::string_view path) {
  path = path.substr(0, path.find('?'));  // Caddy's path matcher sees no query
  ProxyChoice out;
  Walk w;
  for (const auto& d : config) {
    if (!d.block || d.tokens.empty() || d.name().starts_with('(')) continue;
    if (!out.site) out.site = &d;
    w = Walk{};  // named matchers belong to their site
    w.config = &config;
    w.directives(d.children, "", 0);
    if (w.proxies.empty()) continue;
    out.site = &d;  // a site that only redirects or serves files is not the one
    break;
  }
  int best = -2;  // none meets the path: the first reverse_proxy, said to be so
  for (const auto& f : w.proxies)
    if (const int s = w.specificity(f.matcher, path); s > best) {
      best = s;
      out.proxy = f.proxy;
      out.matcher = f.matcher;
      out.meets = s >= 0;
    }
  for (const auto& f : w.proxies)
    if (f.proxy != out.proxy) out.others.push_back(f.proxy);
  return out;
}

std::vector<Upstream> upstreams_of(const Directive& proxy) {
  std::vector<Upstream> out;
  for (std::size_t i = 1; i < proxy.tokens.size(); ++i) {
    if (i == 1 && is_matcher(proxy.tokens[i])) continue;
    out.push_back({proxy.tokens[i], proxy.line});
  }
  for (const auto& c : proxy.children)
    if (c.name() == "to")
      for (std::size_t i = 1; i < c.tokens.size(); ++i) out.push_back({c.tokens[i], c.line});
  return out;
}

std::string stickiness(const Directive& proxy) {
  static constexpr std::string_view kSticky[] = {"cookie", "ip_hash", "client_ip_hash",
                                                 "uri_hash", "query", "header"};
  for (const auto& d : proxy.children) {
    if (d.name() != "lb_policy") continue;
    if (std::find(std::begin(kSticky), std::end(kSticky), d.arg(0)) == std::end(kSticky))
      return "";
    std::string out;
    for (const auto& t : d.tokens) out += (out.empty() ? "" : " ") + t;
    return fmt::format("{} (line {})", out, d.line);
  }
  return "";
}

}  // namespace sc::caddy
