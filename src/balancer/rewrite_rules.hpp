#pragma once
// The part of mod_rewrite the reference balancer models: server-level RewriteRule ... [P] to a
// balancer://, with RewriteCond on request headers, the path and the query string. That is
// what proxy recipes use to choose a balancer by request (socket.io's: `RewriteCond
// %{HTTP:Upgrade} =websocket [NC]` then `RewriteRule /(.*) balancer://nodes_ws/$1 [P,L]`).
// Anything else mod_rewrite does (redirects, internal rewrites, maps, per-directory rules,
// file tests) is refused when read, with the line, never half applied. Regular expressions
// are Perl's (Boost.Regex, close to httpd's PCRE) and match without recursion, so a long path
// cannot exhaust the stack. Parsing and matching are pure.
#include <boost/regex.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace sc {

// RewriteCond TESTSTRING CONDPATTERN [NC,OR].
struct RewriteCond {
  enum class Source { kHeader, kPath, kQuery };
  Source source = Source::kHeader;
  std::string header;  // kHeader: %{HTTP:NAME}
  bool negated = false;
  bool equals = false;  // "=TEXT": compared as a string, else matched as a regex
  std::string text;     // the pattern as written, without '!' and '='
  boost::regex regex;   // when !equals
  bool nocase = false;
  bool or_next = false;
};

// RewriteRule PATTERN balancer://NAME/PATH [P,L,NC,QSA] with the RewriteCond lines before it.
struct RewriteRule {
  boost::regex pattern;      // matched against the decoded URL-path, as in server context
  bool negated = false;      // "!PATTERN": no $N in the substitution
  int balancer = -1;         // the balancer:// the substitution names (SiteConfig::balancers)
  std::string substitution;  // the part after balancer://NAME, with $N and %N unexpanded
  bool qsa = false;          // append the client's query to one the substitution gives
  std::vector<RewriteCond> conds;
};

struct RewriteRules {
  bool engine = false;  // RewriteEngine On: rules apply only then, as in httpd
  std::vector<RewriteRule> rules;
};

// What the first rule that applied chose.
struct RewriteTarget {
  int balancer = -1;
  std::string path;   // decoded, the balancer's path and the rest ("/socket.io/")
  std::string query;  // "?..." or ""
};

// Reads one directive's words (name first); `pending` holds the RewriteCond lines waiting for
// their rule. `balancer_index` maps "balancer://NAME" to its index, adding it if new. An
// error says which word is not modelled and what is.
Status read_rewrite_directive(const std::vector<std::string>& words, RewriteRules& rules,
                              std::vector<RewriteCond>& pending,
                              const std::function<int(const std::string&)>& balancer_index);

// The request's balancer and path when a rule applies; nullopt when none does (ProxyPass
// then decides). `header(name)` is the request's field, "" when absent; `query` is the
// client's, without '?'. A regular expression too costly to finish on this input counts as
// not matching (Boost.Regex gives up rather than running away).
std::optional<RewriteTarget> apply_rewrite_rules(
    const RewriteRules& rules, std::string_view path, std::string_view query,
    const std::function<std::string_view(std::string_view)>& header);

}  // namespace sc
