#include "proxies/nginx/nginx_syntax.hpp"

#include <fmt/format.h>

#include "util/text.hpp"

namespace sc::nginx {

namespace {

enum class Kind { word, semicolon, open, close, end };

struct Lexeme {
  Kind kind = Kind::end;
  Token token;  // for a word; the position of a ';', '{' or '}' otherwise
};

class Lexer {
 public:
  Lexer(std::string_view text, std::string_view file) : text_(text), file_(file) {}

  Result<Lexeme> next();

  std::string where(std::size_t line, std::size_t column) const {
    return fmt::format("{}:{}:{}", file_, line, column);
  }

 private:
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return text_[pos_]; }
  void advance() {
    if (text_[pos_] == '\n') {
      ++line_;
      line_start_ = pos_ + 1;
    }
    ++pos_;
  }
  std::size_t column() const { return pos_ - line_start_ + 1; }
  void skip_blanks_and_comments();
  Result<Lexeme> quoted_word();
  Lexeme plain_word();

  std::string_view text_;
  std::string_view file_;
  std::size_t pos_ = 0, line_ = 1, line_start_ = 0;
};

void Lexer::skip_blanks_and_comments() {
  while (!at_end()) {
    if (is_c_space(peek())) {
      advance();
    } else if (peek() == '#') {
      while (!at_end() && peek() != '\n') advance();
    } else {
      return;
    }
  }
}

// nginx applies these escapes inside quotes; any other "\c" stays as written.
char escaped(char c) {
  switch (c) {
    case 't': return '\t';
    case 'r': return '\r';
    case 'n': return '\n';
    default: return c;
  }
}

Result<Lexeme> Lexer::quoted_word() {
  Lexeme l{Kind::word, {}};
  l.token = {"", pos_, 0, line_, column(), true};
  const char quote = peek();
  advance();
  while (!at_end() && peek() != quote) {
    if (peek() == '\\' && pos_ + 1 < text_.size()) {
      advance();
      const char c = peek();
      const bool known = c == '"' || c == '\'' || c == '\\' || c == 't' || c == 'r' || c == 'n';
      if (!known) l.token.text += '\\';
      l.token.text += known ? escaped(c) : c;
    } else {
      l.token.text += peek();
    }
    advance();
  }
  if (at_end())
    return Error{where(l.token.line, l.token.column) + ": this quote is never closed"};
  advance();
  l.token.end = pos_;
  if (!at_end() && !is_c_space(peek()) && peek() != ';' && peek() != '{' && peek() != ')')
    return Error{fmt::format("{}: unexpected \"{}\" right after a quoted word (nginx wants a "
                             "blank, ';' or '{{' there)",
                             where(line_, column()), printable(std::string_view(&text_[pos_], 1)))};
  return l;
}

// A word runs to a blank, ';' or '{' ("${var}" keeps its braces); '}' and '#' inside it are
// part of it, as for nginx.
Lexeme Lexer::plain_word() {
  Lexeme l{Kind::word, {}};
  l.token = {"", pos_, 0, line_, column(), false};
  bool variable = false;
  while (!at_end()) {
    const char c = peek();
    if (c == '{' && variable) {
      l.token.text += c;
      advance();
      continue;
    }
    variable = c == '$';
    if (c == '\\' && pos_ + 1 < text_.size()) {
      // As inside quotes: \" \' \\ and \t \r \n are escapes; any other "\c" stays as
      // written (a regex's "\.php$").
      advance();
      const char e = peek();
      const bool known = e == '"' || e == '\'' || e == '\\' || e == 't' || e == 'r' || e == 'n';
      if (!known) l.token.text += '\\';
      l.token.text += known ? escaped(e) : e;
      advance();
      continue;
    }
    if (is_c_space(c) || c == ';' || c == '{') break;
    l.token.text += c;
    advance();
  }
  l.token.end = pos_;
  return l;
}

Result<Lexeme> Lexer::next() {
  skip_blanks_and_comments();
  if (at_end()) return Lexeme{Kind::end, {"", pos_, pos_, line_, column(), false}};
  const char c = peek();
  auto single = [&](Kind k) {
    Lexeme l{k, {std::string(1, c), pos_, pos_ + 1, line_, column(), false}};
    advance();
    return l;
  };
  if (c == ';') return single(Kind::semicolon);
  if (c == '{') return single(Kind::open);
  if (c == '}') return single(Kind::close);
  if (c == '"' || c == '\'') return quoted_word();
  return plain_word();
}

class Builder {
 public:
  Builder(std::string_view text, std::string_view file) : lexer_(text, file) {}

  // Directives up to the '}' that closes the block opened at `open` (none: to the end).
  Result<std::vector<Directive>> block(const Token* open, std::size_t& close_end);

 private:
  Status directive_rest(Directive& d, const Token& first);
  Lexer lexer_;
};

Status Builder::directive_rest(Directive& d, const Token& first) {
  d.name = first;
  for (;;) {
    auto l = lexer_.next();
    if (!l) return l.error();
    switch (l->kind) {
      case Kind::word: d.args.push_back(l->token); break;
      case Kind::semicolon: d.end = l->token.end; return ok_status();
      case Kind::open: {
        d.block = true;
        d.open = l->token.begin;
        auto children = block(&l->token, d.end);
        if (!children) return children.error();
        d.children = std::move(*children);
        return ok_status();
      }
      case Kind::close:
        return Error{fmt::format("{}: unexpected '}}': \"{}\" is not ended by ';'",
                                 lexer_.where(l->token.line, l->token.column), first.text)};
      case Kind::end:
        return Error{fmt::format("{}: \"{}\" is not ended by ';' before the end of the file",
                                 lexer_.where(first.line, first.column), first.text)};
    }
  }
}

Result<std::vector<Directive>> Builder::block(const Token* open, std::size_t& close_end) {
  std::vector<Directive> out;
  for (;;) {
    auto l = lexer_.next();
    if (!l) return l.error();
    if (l->kind == Kind::end) {
      if (!open) return out;
      return Error{fmt::format("{}: this '{{' is never closed", lexer_.where(open->line, open->column))};
    }
    if (l->kind == Kind::close) {
      if (!open)
        return Error{lexer_.where(l->token.line, l->token.column) + ": unexpected '}'"};
      close_end = l->token.end;
      return out;
    }
    if (l->kind != Kind::word)
      return Error{fmt::format("{}: unexpected '{}'", lexer_.where(l->token.line, l->token.column),
                               l->token.text)};
    Directive d;
    if (auto st = directive_rest(d, l->token); !st) return st.error();
    out.push_back(std::move(d));
  }
}

void find_into(const std::vector<Directive>& within, std::string_view name,
               std::vector<const Directive*>& parents, std::vector<Found>& out) {
  for (const auto& d : within) {
    if (d.name.text == name) out.push_back({&d, parents});
    if (!d.block) continue;
    parents.push_back(&d);
    find_into(d.children, name, parents, out);
    parents.pop_back();
  }
}

}  // namespace

const std::string& Directive::arg(std::size_t i) const {
  static const std::string kNone;
  return i < args.size() ? args[i].text : kNone;
}

bool Directive::has_arg(std::string_view a) const {
  for (const auto& t : args)
    if (t.text == a) return true;
  return false;
}

Result<Config> parse(std::string_view text, std::string_view file) {
  Builder b(text, file);
  std::size_t unused = 0;
  auto top = b.block(nullptr, unused);
  if (!top) return top.error();
  return Config{std::string(file), std::move(*top)};
}

std::vector<Found> find_all(const std::vector<Directive>& within, std::string_view name) {
  std::vector<Found> out;
  std::vector<const Directive*> parents;
  find_into(within, name, parents, out);
  return out;
}

}  // namespace sc::nginx
