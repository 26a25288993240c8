#pragma once
// What the per-proxy adapters (config_adapt_*.cpp) share: lines and words, member addresses
// and their mapping onto the backends, and the runtime-directory rule.
#include <string>
#include <string_view>
#include <vector>

#include "proxies/config_adapt.hpp"

namespace sc::adapt {

struct Lines {
  std::vector<std::string> lines;
  bool trailing_newline = true;
};
Lines split_lines(std::string_view text);
std::string join_lines(const Lines& l);

// Whitespace-separated words; ';' and a '{' that opens a block are words of their own; a word
// that opens with a quote runs to its closing quote, blanks included, quotes kept.
std::vector<std::string> words(std::string_view line);
// How each language reads a path stickycheck writes (the runtime directory's, from TMPDIR):
// Apache, nginx, HAProxy and Caddy all read "..." as one word, so a path with a blank, '#', ';'
// or '\'' is double-quoted (path_word) and kept as it is otherwise. What quotes cannot protect
// is refused (unquotable): '"' and '\\' end or escape the quoted word, Apache expands ${VAR},
// nginx and HAProxy $var, Caddy {placeholder}, and a control character ends the line.
bool unquotable(char c);
std::string path_word(std::string_view path);

// The first word, lower-cased; "" for a blank line or a comment.
std::string directive(std::string_view line);
std::string indent_of(std::string_view line);
// The line's text with its first occurrence of `from` replaced by `to`.
std::string replace_once(std::string_view line, std::string_view from, std::string_view to);
// "# (stickycheck) " + the line: kept for the reader, no longer read by the proxy.
std::string commented(std::string_view line);

// A member as written ("http://10.0.0.1:8001/", "app1:80"): its host[:port] as written and
// normalised (lower case, default port 80). Empty `written` when it names no address.
struct MemberAddress {
  std::string written;
  std::string normal;
};
MemberAddress member_address(std::string_view token);

struct FoundMember {
  std::size_t line = 0;  // 0-based index into Lines
  MemberAddress address;
};

// Each found member's new address (in order), from proxy.members or else in order of the
// distinct addresses; notes name each substitution. `what` names members in this syntax.
Result<std::vector<std::string>> map_members(const std::vector<FoundMember>& found,
                                             const AdaptInput& in, std::string_view what,
                                             std::vector<std::string>& notes);
// Replaces each found member's written address by its mapped one in `l`.
void apply_members(Lines& l, const std::vector<FoundMember>& found,
                   const std::vector<std::string>& mapped);

// The first step of every adapter: each found member's written address replaced by its
// backend's (map_members, then apply_members).
Status remap_members(Lines& l, const std::vector<FoundMember>& found, const AdaptInput& in,
                     std::string_view what, std::vector<std::string>& notes);

// The comment above the lines an adapter adds to a file.
inline constexpr std::string_view kAddedComment = "# Added by stickycheck for a standalone run:";
// The first note, listing what was added: "FILE: added for a standalone run: a; b". Nothing
// when `items` is empty.
void note_added(const AdaptInput& in, const std::vector<std::string>& items,
                std::vector<std::string>& notes);

// An absolute path the proxy would write that is neither in the runtime directory nor a
// standard stream or /dev/null.
bool outside_runtime(std::string_view path, const AdaptInput& in);

std::string located(const AdaptInput& in, std::size_t line_index, std::string_view message);

std::vector<FoundMember> apache_members(std::string_view text, std::string_view path);
// For init: the balancer the traffic to `path` reaches, when the file has several; else "".
std::string apache_pool_choice(std::string_view text, std::string_view path);
std::vector<FoundMember> haproxy_members(std::string_view text, std::string_view path);
std::vector<FoundMember> nginx_members(std::string_view text, std::string_view path);
std::vector<FoundMember> caddy_members(std::string_view text, std::string_view path);

Result<Adapted> adapt_apache(std::string_view text, const AdaptInput& in);
Result<Adapted> adapt_reference(std::string_view text, const AdaptInput& in);
Result<Adapted> adapt_haproxy(std::string_view text, const AdaptInput& in);
Result<Adapted> adapt_nginx(std::string_view text, const AdaptInput& in);
Result<Adapted> adapt_caddy(std::string_view text, const AdaptInput& in);

}  // namespace sc::adapt
