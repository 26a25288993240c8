#include "identify/identify_spec.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "util/text.hpp"

namespace sc::identify {
namespace {

// A pattern this long is a mistake, and std::regex compiles it recursively.
constexpr std::size_t kMaxPatternBytes = 1000;

IdentifySpec make_spec(IdentifyKind kind, std::string_view text) {
  IdentifySpec out;
  out.kind = kind;
  out.text = std::string(text);
  return out;
}

Error spec_error(std::string_view option, std::string_view spec, std::string_view expected) {
  return Error{fmt::format("{} '{}': {}", option, spec, expected)};
}

// Splits "kind:rest"; nullopt when there is no ':'.
std::optional<std::pair<std::string_view, std::string_view>> split_kind(std::string_view spec) {
  auto colon = spec.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  return std::pair{spec.substr(0, colon), spec.substr(colon + 1)};
}

Result<std::shared_ptr<const std::regex>> compile_pattern(std::string_view option,
                                                          std::string_view spec,
                                                          std::string_view pattern,
                                                          bool needs_group) {
  if (pattern.empty()) return spec_error(option, spec, "expected a pattern after 'regex:'");
  if (pattern.size() > kMaxPatternBytes)
    return spec_error(option, spec, "the pattern is longer than 1000 characters");
  std::shared_ptr<const std::regex> re;
  try {  // std::regex reports a bad pattern only by throwing; this runs once, at start-up
    re = std::make_shared<const std::regex>(std::string(pattern), std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return spec_error(option, spec, fmt::format("invalid regular expression ({})", e.what()));
  }
  if (needs_group && re->mark_count() == 0)
    return spec_error(option, spec,
                      "the pattern needs a capture group around the identity, e.g. "
                      "regex:backend=(\\w+)");
  return re;
}

Result<std::string> token_name(std::string_view option, std::string_view spec,
                               std::string_view name, std::string_view what,
                               std::string_view example) {
  if (is_http_token(name)) return std::string(name);
  return spec_error(option, spec,
                    fmt::format("expected a {} name (letters, digits and !#$%&'*+-.^_`|~), "
                                "e.g. {}",
                                what, example));
}

Result<IdentifySpec> parse_cookie_identify(std::string_view spec, std::string_view rest) {
  constexpr std::string_view kOpt = "--identify";
  auto out = make_spec(IdentifyKind::cookie, spec);
  auto colon = rest.find(':');  // ':' is no tchar, so it cannot be part of the name
  auto name = token_name(kOpt, spec, rest.substr(0, colon), "cookie", "cookie:ROUTEID");
  if (!name.ok()) return name.error();
  out.name = *name;
  if (colon == std::string_view::npos) return out;
  auto sep = rest.substr(colon + 1);
  if (sep.size() != 1 || sep[0] <= ' ' || sep[0] == 0x7F)
    return spec_error(kOpt, spec,
                      "expected one separator character after the cookie name, e.g. "
                      "cookie:ROUTEID:. for the route after the first '.'");
  out.route_separator = sep[0];
  return out;
}

// socket.io's own events, which a client cannot emit (socket.io throws on them).
bool reserved_event(std::string_view event) {
  for (std::string_view r : {"connect", "connect_error", "disconnect", "disconnecting",
                             "newListener", "removeListener"})
    if (event == r) return true;
  return false;
}

Result<IdentifySpec> parse_ack_identify(std::string_view spec, std::string_view rest) {
  constexpr std::string_view kOpt = "--identify";
  auto out = make_spec(IdentifyKind::ack, spec);
  const auto colon = rest.find(':');  // ':' is no tchar, so it cannot be part of the event
  auto event = token_name(kOpt, spec, rest.substr(0, colon), "socket.io event", "ack:whoami");
  if (!event.ok()) return event.error();
  if (reserved_event(*event))
    return spec_error(kOpt, spec,
                      fmt::format("'{}' is socket.io's own event, which a client cannot emit; "
                                  "expected an event the application acknowledges",
                                  *event));
  out.name = *event;
  if (colon == std::string_view::npos) return out;
  const auto pointer = rest.substr(colon + 1);
  if (pointer.empty() || pointer.front() != '/' || !is_json_pointer(pointer))
    return spec_error(kOpt, spec,
                      "expected an RFC 6901 pointer starting with '/' after the event, e.g. "
                      "ack:status:/node");
  out.pointer = std::string(pointer);
  return out;
}

Result<IdentifySpec> parse_explicit_identify(std::string_view spec, std::string_view kind,
                                             std::string_view rest) {
  constexpr std::string_view kOpt = "--identify";
  auto out = make_spec(IdentifyKind::header, spec);
  if (kind == "header") {
    auto name = token_name(kOpt, spec, rest, "header", "header:X-Backend");
    if (!name.ok()) return name.error();
    out.name = *name;
    return out;
  }
  if (kind == "cookie") return parse_cookie_identify(spec, rest);
  if (kind == "ack") return parse_ack_identify(spec, rest);
  if (kind == "json") {
    if (rest.empty() || rest.front() != '/' || !is_json_pointer(rest))
      return spec_error(kOpt, spec,
                        "expected an RFC 6901 pointer starting with '/', e.g. json:/backend");
    out.kind = IdentifyKind::json;
    out.pointer = std::string(rest);
    return out;
  }
  if (kind == "regex") {
    auto re = compile_pattern(kOpt, spec, rest, true);
    if (!re.ok()) return re.error();
    out.kind = IdentifyKind::regex;
    out.pattern = *re;
    return out;
  }
  return spec_error(kOpt, spec,
                    "expected header:NAME, cookie:NAME, cookie:NAME:SEP, json:/POINTER, "
                    "regex:PATTERN, ack:EVENT[:/POINTER] or auto");
}

// "NAME=VALUE" split at the first '='.
std::optional<std::pair<std::string_view, std::string_view>> split_equals(std::string_view s) {
  auto eq = s.find('=');
  if (eq == std::string_view::npos) return std::nullopt;
  return std::pair{s.substr(0, eq), s.substr(eq + 1)};
}

Result<LostWhenSpec> parse_lost_json(std::string_view spec, std::string_view rest) {
  constexpr std::string_view kOpt = "--lost-when";
  auto parts = split_equals(rest);
  if (!parts || parts->first.empty() || parts->first.front() != '/' ||
      !is_json_pointer(parts->first))
    return spec_error(kOpt, spec,
                      "expected an RFC 6901 pointer starting with '/', then '=' and the value, "
                      "e.g. json:/new=true");
  return LostWhenSpec{LostWhenKind::json_equals, std::string(spec),          "",
                      std::string(parts->first), std::string(parts->second), nullptr};
}

Result<LostWhenSpec> parse_lost_header(std::string_view spec, std::string_view rest) {
  constexpr std::string_view kOpt = "--lost-when";
  auto parts = split_equals(rest);
  if (!parts) return spec_error(kOpt, spec, "expected NAME=VALUE, e.g. header:X-Session-New=1");
  auto name = token_name(kOpt, spec, parts->first, "header", "header:X-Session-New=1");
  if (!name.ok()) return name.error();
  return LostWhenSpec{LostWhenKind::header_equals,
                      std::string(spec),
                      *name,
                      "",
                      std::string(trim(parts->second)),
                      nullptr};
}

}  // namespace

const IdentifySpec* find_ack_spec(const std::vector<IdentifySpec>& specs) {
  for (const auto& s : specs)
    if (s.kind == IdentifyKind::ack) return &s;
  return nullptr;
}

bool is_json_pointer(std::string_view pointer) {
  if (pointer.empty()) return true;
  if (pointer.front() != '/') return false;
  for (std::size_t i = 0; i < pointer.size(); ++i) {
    if (pointer[i] != '~') continue;
    if (i + 1 >= pointer.size() || (pointer[i + 1] != '0' && pointer[i + 1] != '1')) return false;
  }
  return true;
}

Result<IdentifySpec> parse_identify_spec(std::string_view spec) {
  if (spec == "auto") return make_spec(IdentifyKind::automatic, "auto");
  auto parts = split_kind(spec);
  if (!parts)
    return spec_error("--identify", spec,
                      "expected header:NAME, cookie:NAME, cookie:NAME:SEP, json:/POINTER, "
                      "regex:PATTERN, ack:EVENT[:/POINTER] or auto");
  return parse_explicit_identify(spec, parts->first, parts->second);
}

Result<std::vector<IdentifySpec>> parse_identify_specs(const std::vector<std::string>& specs) {
  std::vector<IdentifySpec> out;
  for (const auto& text : specs) {
    if (!out.empty() && out.back().kind == IdentifyKind::automatic)
      return spec_error("--identify", text,
                        "'auto' must be the last --identify: it only decides after the run "
                        "what the sources before it leave unidentified");
    auto spec = parse_identify_spec(text);
    if (!spec.ok()) return spec.error();
    out.push_back(std::move(*spec));
  }
  if (out.empty()) out.push_back(make_spec(IdentifyKind::automatic, "auto"));
  return out;
}

Result<LostWhenSpec> parse_lost_when_spec(std::string_view spec) {
  constexpr std::string_view kOpt = "--lost-when";
  auto parts = split_kind(spec);
  std::string_view kind = parts ? parts->first : std::string_view{};
  if (kind == "json") return parse_lost_json(spec, parts->second);
  if (kind == "header") return parse_lost_header(spec, parts->second);
  if (kind == "regex") {
    auto re = compile_pattern(kOpt, spec, parts->second, false);
    if (!re.ok()) return re.error();
    return LostWhenSpec{LostWhenKind::regex, std::string(spec), "", "", "", *re};
  }
  if (kind == "status") {
    long long code = 0;
    if (!parse_int(parts->second, code) || code < 100 || code > 599)
      return spec_error(kOpt, spec, "expected an HTTP status (100-599), e.g. status:401");
    return LostWhenSpec{LostWhenKind::status_equals, std::string(spec), "", "",
                        std::to_string(code), nullptr};
  }
  if (kind == "redirect") {
    const auto path = parts->second;
    if (!path.starts_with('/') || std::any_of(path.begin(), path.end(), [](char c) {
          return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f;
        }))
      return spec_error(kOpt, spec, "expected a path starting with '/', e.g. redirect:/login");
    return LostWhenSpec{LostWhenKind::redirect_to, std::string(spec), "", "", std::string(path),
                        nullptr};
  }
  return spec_error(kOpt, spec,
                    "expected json:/POINTER=VALUE, regex:PATTERN, header:NAME=VALUE, "
                    "status:CODE or redirect:PATH, e.g. json:/new=true");
}

Result<std::vector<LostWhenSpec>> parse_lost_when_specs(const std::vector<std::string>& specs) {
  std::vector<LostWhenSpec> out;
  for (const auto& text : specs) {
    auto spec = parse_lost_when_spec(text);
    if (!spec.ok()) return spec.error();
    out.push_back(std::move(*spec));
  }
  return out;
}

}  // namespace sc::identify
