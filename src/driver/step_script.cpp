#include "driver/step_script.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "identify/explicit_sources.hpp"
#include "util/text.hpp"

namespace sc {

namespace {

// How a value goes into what it is rendered into.
constexpr char kPath = 'p', kForm = 'f', kHeader = 'h', kVerbatim = 'v';

bool unreserved(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' ||
         c == '~';
}

std::string percent_encoded(std::string_view value, bool form) {
  std::string out;
  for (char c : value) {
    if (unreserved(c))
      out += c;
    else if (form && c == ' ')
      out += '+';
    else
      out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
  }
  return out;
}

bool sendable_in_header(std::string_view v) {
  return std::none_of(v.begin(), v.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t') || u == 0x7f;
  });
}

// The JSON document's strings rendered one by one: a value can never end a string early.
Result<bool> render_json(nlohmann::json& j,
                         const std::function<Result<std::string>(std::string_view)>& render) {
  if (j.is_string()) {
    auto v = render(j.get_ref<const std::string&>());
    if (!v) return v.error();
    j = std::move(*v);
  } else if (j.is_structured()) {
    for (auto& item : j)
      if (auto r = render_json(item, render); !r) return r;
  }
  return true;
}

bool expected_status(const StepSpec& s, int status) {
  return s.expect_status.empty() ||
         std::find(s.expect_status.begin(), s.expect_status.end(), status) != s.expect_status.end();
}

std::string statuses_text(const std::vector<int>& codes) {
  std::string out;
  for (std::size_t i = 0; i < codes.size(); ++i)
    out += (i == 0 ? "" : i + 1 == codes.size() ? " or " : ", ") + std::to_string(codes[i]);
  return out;
}

}  // namespace

std::string request_text(const StepRequest& r, std::string_view prefix,
                         std::string_view host_header, std::string_view user_agent,
                         std::string_view cookies) {
  std::string out = fmt::format("{} {}{} HTTP/1.1\r\nHost: {}\r\nUser-Agent: {}\r\nAccept: */*\r\n",
                                r.method, r.from_root ? "" : prefix, r.target, host_header,
                                user_agent);
  for (const auto& [name, value] : r.headers) out += fmt::format("{}: {}\r\n", name, value);
  if (!r.content_type.empty()) out += fmt::format("Content-Type: {}\r\n", r.content_type);
  if (r.has_body) out += fmt::format("Content-Length: {}\r\n", r.body.size());
  if (!cookies.empty()) out += fmt::format("Cookie: {}\r\n", cookies);
  out += "\r\n";
  out += r.body;
  return out;
}

StepScript::StepScript(const std::vector<StepSpec>& steps, const UserRow* user,
                       std::uint32_t session)
    : steps_(&steps), user_(user), session_(session) {
  for (std::size_t i = 0; i < steps.size(); ++i)
    if (steps[i].begins_session) begins_ = i;
}

Result<std::string> StepScript::value_of(const std::string& name) const {
  if (name == "session") return std::to_string(session_);
  if (name.starts_with("user.")) {
    const std::string column = name.substr(5);
    if (user_)
      for (const auto& [key, value] : user_->columns)
        if (key == column) return value;
    return Error{fmt::format("{{{{{}}}}}: the users file has no column '{}'", name, column)};
  }
  if (auto it = vars_.find(name); it != vars_.end()) return it->second;
  return Error{fmt::format("{{{{{}}}}} was never captured", name)};
}

Result<std::string> StepScript::render(std::string_view text, char how) const {
  std::string out;
  std::size_t at = 0;
  for (auto open = text.find("{{"); open != std::string_view::npos; open = text.find("{{", at)) {
    out.append(text.substr(at, open - at));
    const auto close = text.find("}}", open + 2);
    if (close == std::string_view::npos) return Error{"a '{{' is not closed"};
    auto value = value_of(std::string(trim(text.substr(open + 2, close - open - 2))));
    if (!value) return value.error();
    if (how == kPath || how == kForm)
      out += percent_encoded(*value, how == kForm);
    else
      out += *value;
    at = close + 2;
  }
  out.append(text.substr(at));
  return out;
}

Result<std::string> StepScript::render_body(const StepSpec& s) const {
  switch (s.body_kind) {
    case StepBody::kNone:
      return std::string();
    case StepBody::kForm: {
      std::string out;
      for (const auto& [field, value] : s.form) {
        auto v = render(value, kForm);
        if (!v) return v.error();
        out += (out.empty() ? "" : "&") + percent_encoded(field, true) + "=" + *v;
      }
      return out;
    }
    case StepBody::kJson: {
      auto doc = nlohmann::json::parse(s.body, nullptr, false);
      auto done = render_json(doc, [&](std::string_view t) { return render(t, kVerbatim); });
      if (!done) return done.error();
      // A value that is not UTF-8 (a Latin-1 users file) is sent with U+FFFD in its place.
      return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    case StepBody::kRaw:
      return render(s.body, kVerbatim);
  }
  return std::string();
}

Result<StepRequest> StepScript::request() const {
  const StepSpec& s = (*steps_)[index_];
  StepRequest r;
  const bool hop = !hop_target_.empty();
  r.method = hop && !hop_keeps_method_ ? std::string_view("GET") : to_string(s.method);
  if (hop) {
    r.target = hop_target_;
    r.from_root = true;
  } else {
    auto target = render(s.path, kPath);
    if (!target) return Error{fmt::format("step '{}': {}", s.name, target.error().message)};
    r.target = std::move(*target);
  }
  for (const auto& [name, value] : s.headers) {
    auto v = render(value, kHeader);
    if (!v) return Error{fmt::format("step '{}': {}", s.name, v.error().message)};
    if (!sendable_in_header(*v))
      return Error{
          fmt::format("step '{}': header {}: the value holds a control character "
                      "(a line break from a captured value?): not sent",
                      s.name, name)};
    r.headers.emplace_back(name, std::move(*v));
  }
  if (s.body_kind != StepBody::kNone && (!hop || hop_keeps_method_)) {
    auto body = render_body(s);
    if (!body) return Error{fmt::format("step '{}': {}", s.name, body.error().message)};
    r.body = std::move(*body);
    r.content_type = s.content_type;
    r.has_body = true;
  }
  return r;
}

// The captures of the step's final answer; the error of the first one that found nothing.
std::string StepScript::capture(const StepSpec& s, const identify::ResponseView& answer) {
  for (const auto& c : s.captures) {
    auto value = identify::apply_capture_spec(c.source, answer);
    if (!value)
      return fmt::format("step '{}': capture {} ({}) found nothing in the answer (HTTP {})", s.name,
                         c.name, c.source.text, answer.status);
    vars_[c.name] = std::move(*value);
  }
  return "";
}

// A redirect the step follows: the next hop, on this site only. True when one was taken.
bool StepScript::follow(const StepSpec& s, const identify::ResponseView& answer, StepAnswer& out) {
  if (!s.follow || answer.status < 300 || answer.status >= 400 || answer.status == 304)
    return false;
  const auto location = answer.header("location");
  if (!location) return false;
  std::string_view to = *location;
  const auto scheme = to.find("://");
  if (scheme != std::string_view::npos && scheme < to.find_first_of("/?#")) {
    // Another scheme or host is another site: the session's cookies stay here.
    out.error = fmt::format("step '{}': a redirect to {} leaves the site: not followed", s.name,
                            printable(to.substr(0, 200)));
    return false;
  }
  if (!to.starts_with('/') || !sendable_in_header(to) ||
      std::any_of(to.begin(), to.end(), [](char c) { return c == ' '; })) {
    out.error = fmt::format("step '{}': a redirect to '{}' cannot be followed", s.name,
                            printable(to.substr(0, 200)));
    return false;
  }
  if (++hops_ > kMaxStepHops) {
    out.error = fmt::format("step '{}': more than {} redirects", s.name, kMaxStepHops);
    return false;
  }
  hop_target_ = std::string(to);
  hop_keeps_method_ = answer.status == 307 || answer.status == 308;
  return true;
}

StepAnswer StepScript::take(const identify::ResponseView& answer) {
  const StepSpec& s = (*steps_)[index_];
  StepAnswer out;
  out.own_signal = !s.lost_when.empty();
  if (judged() && out.own_signal)
    out.lost = identify::first_lost_signal(s.lost_when, answer).has_value();
  if (follow(s, answer, out)) return out;
  if (out.error.empty() && !expected_status(s, answer.status))
    out.error = fmt::format("step '{}': expected HTTP {}, got {}", s.name,
                            statuses_text(s.expect_status), answer.status);
  if (out.error.empty()) out.error = capture(s, answer);
  if (!out.error.empty()) {
    failed_ = true;
    return out;
  }
  next();
  return out;
}

void StepScript::next() {
  hop_target_.clear();
  hops_ = 0;
  if (++repeats_done_ < (*steps_)[index_].repeat) return;
  repeats_done_ = 0;
  ++index_;
}

}  // namespace sc
