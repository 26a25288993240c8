#pragma once
// nginx's configuration language read as nginx reads it (ngx_conf_read_token): words end at
// blanks, ';' and '{'; a '}' or '#' is special only where a word would start; "..." and '...'
// group blanks; '\' escapes; "${var}" keeps its braces. Every token keeps its place in the
// text (byte span, line, column), so adapters edit the user's file in place and errors point
// at the user's line. Pure: text in, tree out; `include` is a directive like any other (the
// loader follows it).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace sc::nginx {

struct Token {
  std::string text;        // as nginx reads it: quotes removed, escapes applied
  std::size_t begin = 0;   // byte span in the source, quotes included
  std::size_t end = 0;
  std::size_t line = 1;    // 1-based
  std::size_t column = 1;  // 1-based, in bytes
  bool quoted = false;
};

struct Directive {
  Token name;
  std::vector<Token> args;
  std::size_t end = 0;  // just past its ';', or past the '}' that closes its block
  bool block = false;
  std::size_t open = 0;  // a block's '{' (offset); the block's text runs to `end` - 1
  std::vector<Directive> children;

  // The first argument, or "" (most directives have one).
  const std::string& arg(std::size_t i = 0) const;
  bool has_arg(std::string_view a) const;
};

struct Config {
  std::string file;
  std::vector<Directive> directives;
};

// A located error ("FILE:LINE:COL: ...") when the text is not what nginx would accept as
// tokens and blocks: an unclosed quote or block, an unexpected '}' or ';'.
Result<Config> parse(std::string_view text, std::string_view file);

// Every directive named `name` under `within` (depth first, in file order), with the chain of
// blocks around it ("http", "server", ...). Names are compared as nginx does, exactly.
struct Found {
  const Directive* directive = nullptr;
  std::vector<const Directive*> parents;  // outermost first
};
std::vector<Found> find_all(const std::vector<Directive>& within, std::string_view name);

}  // namespace sc::nginx
