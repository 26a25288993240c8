#include "identify/explicit_sources.hpp"

#include <nlohmann/json.hpp>

#include "cookie/sticky_lookup.hpp"
#include "util/text.hpp"

namespace sc::identify {
namespace {

using Json = nlohmann::json;

// Parses the body at most once per exchange, and only when a json spec asks for it.
class LazyJson {
 public:
  explicit LazyJson(std::string_view body) : body_(body) {}
  const Json& get() {
    if (!parsed_) {
      doc_ = Json::parse(body_.begin(), body_.end(), nullptr, false);  // discarded if invalid
      parsed_ = true;
    }
    return doc_;
  }

 private:
  std::string_view body_;
  Json doc_;
  bool parsed_ = false;
};

std::string unescape_token(std::string_view token) {
  std::string out;
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '~' && i + 1 < token.size()) {
      out.push_back(token[i + 1] == '1' ? '/' : '~');
      ++i;
    } else {
      out.push_back(token[i]);
    }
  }
  return out;
}

// Array index per RFC 6901: "0" or digits without a leading zero.
std::optional<std::size_t> array_index(std::string_view token) {
  if (token.empty() || token.size() > 9 || (token.size() > 1 && token[0] == '0'))
    return std::nullopt;
  long long n = 0;
  if (!parse_int(token, n) || n < 0) return std::nullopt;
  return static_cast<std::size_t>(n);
}

// Walks a validated pointer without nlohmann's throwing accessors.
const Json* resolve_pointer(const Json& doc, std::string_view pointer) {
  const Json* node = &doc;
  if (pointer.empty()) return node;
  for (auto raw : split(pointer.substr(1), '/')) {
    auto token = unescape_token(raw);
    if (node->is_object()) {
      auto it = node->find(token);
      if (it == node->end()) return nullptr;
      node = &*it;
    } else if (node->is_array()) {
      auto index = array_index(token);
      if (!index || *index >= node->size()) return nullptr;
      node = &(*node)[*index];
    } else {
      return nullptr;
    }
  }
  return node;
}

// A scalar as text: strings as they are, numbers/booleans/null as JSON writes them.
std::optional<std::string> scalar_text(const Json* node) {
  if (node == nullptr || node->is_object() || node->is_array() || node->is_discarded())
    return std::nullopt;
  if (node->is_string()) return node->get_ref<const std::string&>();
  return node->dump();
}

// Calls `on_match(match)` for the first line (bounded, see kMaxRegexLineBytes) that matches.
template <typename OnMatch>
bool search_lines(const std::regex& re, std::string_view body, OnMatch on_match) {
  body = body.substr(0, kMaxRegexBodyBytes);
  std::match_results<std::string_view::const_iterator> m;
  for (auto line : split(body, '\n')) {
    line = line.substr(0, kMaxRegexLineBytes);
    try {  // regex_search reports resource limits (error_complexity, error_stack) by throwing
      if (!std::regex_search(line.begin(), line.end(), m, re)) continue;
    } catch (const std::regex_error&) {
      continue;
    }
    on_match(m);
    return true;
  }
  return false;
}

std::optional<std::string> first_group(const std::regex& re, std::string_view body) {
  std::optional<std::string> out;
  search_lines(re, body, [&](const auto& m) {
    for (std::size_t i = 1; i < m.size() && !out; ++i)
      if (m[i].matched) out = m[i].str();
  });
  return out;
}

std::optional<std::string> cookie_value(const IdentifySpec& spec, const ResponseView& view) {
  std::optional<std::string> value;
  // The cookie set in this response wins; a deletion says nothing about who answered, so
  // then (and when nothing is set) the value the client sent is the answer.
  if (const auto* set = view.set_cookie(spec.name); set && !set->value.empty())
    value = set->value;
  else
    value = view.sent_cookie(spec.name);
  if (!value || !spec.route_separator) return value;
  return route_of(*value, *spec.route_separator);  // nullopt: no route in the value
}

std::optional<std::string> apply_with(const IdentifySpec& spec, const ResponseView& view,
                                      LazyJson& json) {
  switch (spec.kind) {
    case IdentifyKind::header:
      if (auto h = view.header(spec.name)) return std::string(*h);
      return std::nullopt;
    case IdentifyKind::cookie:
      return cookie_value(spec, view);
    case IdentifyKind::json:
      return scalar_text(resolve_pointer(json.get(), spec.pointer));
    case IdentifyKind::regex:
      return spec.pattern ? first_group(*spec.pattern, view.bounded_body()) : std::nullopt;
    case IdentifyKind::automatic:
    case IdentifyKind::ack:  // a socket.io acknowledgement, never an HTTP answer
      return std::nullopt;
  }
  return std::nullopt;
}

bool usable_identity(const std::optional<std::string>& v) {
  return v && !v->empty() && v->size() <= kMaxIdentityBytes;
}

// The path of a Location ("https://shop.example/login?next=/a" -> "/login"; "/login" as is).
std::string_view location_path(std::string_view location) {
  const auto scheme = location.find("://");
  if (scheme != std::string_view::npos && scheme < location.find_first_of("/?#")) {
    const auto slash = location.find('/', scheme + 3);
    location = slash == std::string_view::npos ? std::string_view("/") : location.substr(slash);
  }
  return location.substr(0, location.find_first_of("?#"));
}

bool lost_signal(const LostWhenSpec& spec, const ResponseView& view, LazyJson& json) {
  switch (spec.kind) {
    case LostWhenKind::json_equals:
      return scalar_text(resolve_pointer(json.get(), spec.pointer)) == spec.expected;
    case LostWhenKind::header_equals: {
      auto h = view.header(spec.name);
      return h && *h == spec.expected;
    }
    case LostWhenKind::regex:
      return spec.pattern && search_lines(*spec.pattern, view.bounded_body(), [](const auto&) {});
    case LostWhenKind::status_equals:
      return std::to_string(view.status) == spec.expected;
    case LostWhenKind::redirect_to: {
      auto location = view.header("location");
      return view.status >= 300 && view.status < 400 && location &&
             location_path(*location) == spec.expected;
    }
  }
  return false;
}

}  // namespace

std::optional<std::string> identity_in_json_args(std::string_view json_array,
                                                 std::string_view pointer) {
  const auto args = Json::parse(json_array, nullptr, false);
  if (!args.is_array() || args.empty()) return std::nullopt;
  std::optional<std::string> value;
  if (pointer.empty())
    value = args[0].is_string() ? std::optional(args[0].get<std::string>()) : std::nullopt;
  else
    value = scalar_text(resolve_pointer(args[0], pointer));
  if (!usable_identity(value)) return std::nullopt;
  return value;
}

std::optional<std::string> apply_capture_spec(const IdentifySpec& spec, const ResponseView& view) {
  LazyJson json(view.bounded_body());
  auto v = apply_with(spec, view, json);
  if (!v || v->empty() || v->size() > kMaxCaptureBytes) return std::nullopt;
  return v;
}

std::optional<std::string> apply_identify_spec(const IdentifySpec& spec, const ResponseView& view) {
  LazyJson json(view.bounded_body());
  auto v = apply_with(spec, view, json);
  return usable_identity(v) ? v : std::nullopt;
}

std::optional<IdentityMatch> identify_exchange(const std::vector<IdentifySpec>& specs,
                                               const ResponseView& view) {
  LazyJson json(view.bounded_body());
  for (std::size_t i = 0; i < specs.size(); ++i) {
    auto v = apply_with(specs[i], view, json);
    if (usable_identity(v)) return IdentityMatch{std::move(*v), i, specs[i].text};
  }
  return std::nullopt;
}

std::optional<std::size_t> first_lost_signal(const std::vector<LostWhenSpec>& specs,
                                             const ResponseView& view) {
  LazyJson json(view.bounded_body());
  for (std::size_t i = 0; i < specs.size(); ++i)
    if (lost_signal(specs[i], view, json)) return i;
  return std::nullopt;
}

bool lost_by_app_signal(const std::vector<LostWhenSpec>& specs, const ResponseView& view) {
  return first_lost_signal(specs, view).has_value();
}

}  // namespace sc::identify
