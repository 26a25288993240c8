// traffic.steps (and target.steps): a session's script, checked when read so that a run never
// starts with a step it cannot send. Each error names the step by its index and key.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>

#include "driver/step_spec.hpp"
#include "scenario/scenario_sections.hpp"
#include "util/text.hpp"

namespace sc {

namespace {

const std::vector<std::string> kStepKeys = {
    "name",           "get",      "post",          "put",    "patch",
    "delete",         "headers",  "form",          "json",   "body",
    "content_type",   "capture",  "expect_status", "follow", "repeat",
    "begins_session", "lost_when"};

constexpr std::pair<const char*, StepMethod> kMethods[] = {{"get", StepMethod::kGet},
                                                           {"post", StepMethod::kPost},
                                                           {"put", StepMethod::kPut},
                                                           {"patch", StepMethod::kPatch},
                                                           {"delete", StepMethod::kDelete}};

// Fields that frame the request or name its target: the client's own.
bool framing_header(std::string_view name) {
  const std::string lower = to_lower(name);
  return lower == "host" || lower == "content-length" || lower == "transfer-encoding" ||
         lower == "connection" || lower == "content-type" || lower == "cookie";
}

bool has_control_char(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

// A key's value as a list: the items of a sequence, or the one value (none when absent).
std::vector<YAML::Node> one_or_list(const YAML::Node& v) {
  std::vector<YAML::Node> items;
  if (!v) return items;
  if (v.IsSequence())
    for (const auto& i : v) items.push_back(i);
  else
    items.push_back(v);
  return items;
}

// What the steps so far let a template name: their captures, the user's columns (checked
// against the users file when it is read), the session's index.
struct Known {
  std::set<std::string> captures;
};

class StepReader {
 public:
  StepReader(NodeReader& r, std::string path) : r_(r), path_(std::move(path)) {}
  void read(const YAML::Node& list, std::vector<StepSpec>& out);

 private:
  void read_step(const YAML::Node& n, const std::string& at, StepSpec& s);
  void read_method(const YAML::Node& n, const std::string& at, StepSpec& s);
  void read_pairs(const YAML::Node& n, const std::string& key, const std::string& at,
                  std::vector<std::pair<std::string, std::string>>& out);
  void read_body(const YAML::Node& n, const std::string& at, StepSpec& s);
  void read_captures(const YAML::Node& n, const std::string& at, StepSpec& s);
  void read_expect_status(const YAML::Node& n, const std::string& at, StepSpec& s);
  void read_lost_when(const YAML::Node& n, const std::string& at, StepSpec& s);
  void check_template(const YAML::Node& at_node, const std::string& at, std::string_view text);

  NodeReader& r_;
  std::string path_;
  Known known_;
};

void StepReader::check_template(const YAML::Node& at_node, const std::string& at,
                                std::string_view text) {
  auto names = template_variables(text);
  if (!names) return r_.error(at_node.Mark(), at, names.error().message);
  for (const auto& name : *names) {
    if (name == "session" || name.starts_with("user.")) continue;
    if (known_.captures.count(name)) continue;
    std::string so_far;
    for (const auto& c : known_.captures) so_far += (so_far.empty() ? "" : ", ") + c;
    r_.error(at_node.Mark(), at,
             fmt::format("{{{{{}}}}} is captured by no earlier step (captured so far: {}; also "
                         "{{{{user.COLUMN}}}} and {{{{session}}}})",
                         name, so_far.empty() ? "none" : so_far));
  }
}

void StepReader::read_method(const YAML::Node& n, const std::string& at, StepSpec& s) {
  int given = 0;
  for (const auto& [key, method] : kMethods) {
    if (!n[key]) continue;
    ++given;
    s.method = method;
    r_.read_string(n, key, at, s.path);
    if (!s.path.starts_with('/') ||
        !std::all_of(s.path.begin(), s.path.end(), [](char c) { return c > 0x20 && c < 0x7f; }))
      r_.error(n[key].Mark(), at + "." + key,
               fmt::format("expected a path starting with '/' of visible ASCII characters, got "
                           "'{}'",
                           printable(s.path)));
    else
      check_template(n[key], at + "." + key, s.path);
  }
  if (given != 1)
    r_.error(n.Mark(), at,
             given == 0 ? "expected one of get, post, put, patch or delete with a path"
                        : "expected only one of get, post, put, patch or delete");
}

void StepReader::read_pairs(const YAML::Node& n, const std::string& key, const std::string& at,
                            std::vector<std::pair<std::string, std::string>>& out) {
  const YAML::Node map = n[key];
  if (!map) return;
  if (!map.IsMap())
    return r_.error(map.Mark(), at + "." + key, "expected a map of names to values");
  for (const auto& kv : map) {
    const std::string name = kv.first.as<std::string>("");
    const std::string where = at + "." + key + "." + name;
    if (!kv.second.IsScalar()) {
      r_.error(kv.second.Mark(), where, "expected a string");
      continue;
    }
    if (key == "headers" && !is_http_token(name))
      r_.error(kv.first.Mark(), where,
               "expected a header name (letters, digits and !#$%&'*+-.^_`|~)");
    else if (key == "headers" && framing_header(name))
      r_.error(kv.first.Mark(), where,
               "expected no Host, Content-Length, Transfer-Encoding, Connection, Content-Type or "
               "Cookie: the client writes them (content_type sets the body's type, the "
               "session's jar its cookies)");
    check_template(kv.second, where, kv.second.Scalar());
    out.emplace_back(name, kv.second.Scalar());
  }
}

// A JSON document's strings as templates: checked one by one.
void check_json_strings(const nlohmann::json& j, const std::function<void(std::string_view)>& f) {
  if (j.is_string()) return f(j.get_ref<const std::string&>());
  if (j.is_structured())
    for (const auto& item : j) check_json_strings(item, f);
}

nlohmann::json yaml_to_json(const YAML::Node& n) {
  if (n.IsMap()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& kv : n) out[kv.first.as<std::string>("")] = yaml_to_json(kv.second);
    return out;
  }
  if (n.IsSequence()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& item : n) out.push_back(yaml_to_json(item));
    return out;
  }
  if (!n.IsScalar() || n.Tag() == "!") return n.IsScalar() ? nlohmann::json(n.Scalar()) : nullptr;
  // Plain scalars keep YAML's meaning: numbers, booleans and null stay what they are in JSON.
  const std::string& text = n.Scalar();
  if (text == "true" || text == "false") return text == "true";
  if (text == "null" || text == "~") return nullptr;
  auto number = nlohmann::json::parse(text, nullptr, false);
  return number.is_number() ? number : nlohmann::json(text);
}

void StepReader::read_body(const YAML::Node& n, const std::string& at, StepSpec& s) {
  const int kinds = (n["form"] ? 1 : 0) + (n["json"] ? 1 : 0) + (n["body"] ? 1 : 0);
  if (kinds > 1) return r_.error(n.Mark(), at, "expected only one of form, json and body");
  if (kinds == 1 && (s.method == StepMethod::kGet || s.method == StepMethod::kDelete))
    r_.error(n.Mark(), at, "expected no body with get or delete");
  if (n["form"]) {
    s.body_kind = StepBody::kForm;
    read_pairs(n, "form", at, s.form);
    s.content_type = "application/x-www-form-urlencoded";
  } else if (n["json"]) {
    s.body_kind = StepBody::kJson;
    const auto doc = yaml_to_json(n["json"]);
    check_json_strings(
        doc, [&](std::string_view text) { check_template(n["json"], at + ".json", text); });
    s.body = doc.dump();
    s.content_type = "application/json";
  } else if (n["body"]) {
    s.body_kind = StepBody::kRaw;
    r_.read_string(n, "body", at, s.body);
    check_template(n["body"], at + ".body", s.body);
    s.content_type = "text/plain; charset=utf-8";
  }
  r_.read_string(n, "content_type", at, s.content_type);
  if (n["content_type"] && (s.body_kind == StepBody::kNone || has_control_char(s.content_type)))
    r_.error(n["content_type"].Mark(), at + ".content_type",
             s.body_kind == StepBody::kNone ? "expected only with form, json or body"
                                            : "expected no control characters");
}

void StepReader::read_captures(const YAML::Node& n, const std::string& at, StepSpec& s) {
  const YAML::Node map = n["capture"];
  if (!map) return;
  if (!map.IsMap())
    return r_.error(map.Mark(), at + ".capture",
                    "expected a map of variable names to sources, e.g. {csrf: 'regex:name=\"csrf\" "
                    "value=\"([^\"]+)\"'}");
  for (const auto& kv : map) {
    const std::string name = kv.first.as<std::string>("");
    const std::string where = at + ".capture." + name;
    const bool good_name =
        is_variable_name(name) && name != "session" && !name.starts_with("user.");
    if (!good_name) {
      r_.error(kv.first.Mark(), where,
               "expected a variable name ([A-Za-z_][A-Za-z0-9_.-]*, not session or user.*)");
      continue;
    }
    auto spec = kv.second.IsScalar() ? identify::parse_identify_spec(kv.second.Scalar())
                                     : Result<identify::IdentifySpec>(Error{"not a string"});
    if (!spec || spec->kind == identify::IdentifyKind::automatic ||
        spec->kind == identify::IdentifyKind::ack) {
      r_.error(kv.second.Mark(), where,
               "expected regex:PATTERN (one capture group), json:/POINTER, header:NAME or "
               "cookie:NAME");
      continue;
    }
    s.captures.push_back({name, std::move(*spec)});
  }
}

void StepReader::read_expect_status(const YAML::Node& n, const std::string& at, StepSpec& s) {
  for (const auto& item : one_or_list(n["expect_status"])) {
    long long code = 0;
    if (!item.IsScalar() || !parse_int(item.Scalar(), code) || code < 100 || code > 599) {
      r_.error(item.Mark(), at + ".expect_status",
               "expected an HTTP status (100-599) or a list of them, e.g. [302, 303]");
      continue;
    }
    s.expect_status.push_back(static_cast<int>(code));
  }
}

void StepReader::read_lost_when(const YAML::Node& n, const std::string& at, StepSpec& s) {
  for (const auto& item : one_or_list(n["lost_when"])) {
    auto spec = item.IsScalar() ? identify::parse_lost_when_spec(item.Scalar())
                                : Result<identify::LostWhenSpec>(Error{"expected a string"});
    if (!spec) {
      r_.error(item.Mark(), at + ".lost_when", spec.error().message);
      continue;
    }
    s.lost_when_text.push_back(item.Scalar());
    s.lost_when.push_back(std::move(*spec));
  }
}

void StepReader::read_step(const YAML::Node& n, const std::string& at, StepSpec& s) {
  r_.check_keys(n, at, kStepKeys);
  read_method(n, at, s);
  r_.read_string(n, "name", at, s.name);
  if (n["name"] && (has_control_char(s.name) || s.name.size() > 100))
    r_.error(n["name"].Mark(), at + ".name", "expected at most 100 characters, no control ones");
  // Named by its request when it has no name (cut: a long query is no name).
  if (s.name.empty()) s.name = fmt::format("{} {}", to_string(s.method), s.path).substr(0, 100);
  read_pairs(n, "headers", at, s.headers);
  read_body(n, at, s);
  read_expect_status(n, at, s);
  r_.read_bool(n, "follow", at, s.follow);
  r_.read_int(n, "repeat", at, 1, 100'000, s.repeat);
  r_.read_bool(n, "begins_session", at, s.begins_session);
  read_lost_when(n, at, s);
  // Captures count for the steps after this one (and this one's repeats after the first:
  // the first has nothing yet, so the step that needs it must come later).
  read_captures(n, at, s);
  for (const auto& c : s.captures) known_.captures.insert(c.name);
}

void StepReader::read(const YAML::Node& list, std::vector<StepSpec>& out) {
  if (!list.IsSequence() || list.size() == 0)
    return r_.error(list.Mark(), path_, "expected a list of steps, each with get: or post: ...");
  int beginning = 0;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string at = fmt::format("{}[{}]", path_, i);
    if (!r_.expect_map(list[i], at)) continue;
    StepSpec s;
    read_step(list[i], at, s);
    if (s.begins_session && ++beginning > 1)
      r_.error(list[i]["begins_session"].Mark(), at + ".begins_session",
               "expected on one step only: the session is judged from that step on");
    out.push_back(std::move(s));
  }
}

}  // namespace

void read_steps(NodeReader& r, const YAML::Node& list, const std::string& path,
                std::vector<StepSpec>& out) {
  StepReader(r, path).read(list, out);
}

Result<std::vector<StepSpec>> parse_steps_text(std::string_view text, const std::string& file) {
  NodeReader r(file);
  YAML::Node root;
  try {  // yaml-cpp reports a syntax error only by throwing; this runs once, at start-up
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return Error{fmt::format("{}:{}:{}: {}", file, e.mark.line + 1, e.mark.column + 1, e.msg)};
  }
  std::vector<StepSpec> steps;
  if (!root || root.IsNull()) return Error{fmt::format("{}:1:1: the steps file is empty", file)};
  read_steps(r, root, "steps", steps);
  if (!r.errors().empty()) {
    std::string all;
    for (const auto& e : r.errors()) all += (all.empty() ? "" : "\n") + e;
    return Error{all};
  }
  return steps;
}

}  // namespace sc
