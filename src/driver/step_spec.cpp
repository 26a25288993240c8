#include "driver/step_spec.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "util/text.hpp"

namespace sc {

namespace {

bool variable_char(char c, bool first) {
  const auto u = static_cast<unsigned char>(c);
  return std::isalpha(u) || c == '_' || (!first && (std::isdigit(u) || c == '.' || c == '-'));
}

}  // namespace

bool is_variable_name(std::string_view name) {
  return !name.empty() && variable_char(name[0], true) &&
         std::all_of(name.begin() + 1, name.end(), [](char c) { return variable_char(c, false); });
}

bool is_secret_column(std::string_view name) {
  const std::string lower = to_lower(name);
  for (std::string_view word : {"password", "passwd", "token", "secret", "key"})
    if (lower.find(word) != std::string::npos) return true;
  return false;
}

std::string_view to_string(StepMethod m) {
  switch (m) {
    case StepMethod::kGet:
      return "GET";
    case StepMethod::kPost:
      return "POST";
    case StepMethod::kPut:
      return "PUT";
    case StepMethod::kPatch:
      return "PATCH";
    case StepMethod::kDelete:
      return "DELETE";
  }
  return "GET";
}

int step_requests(const std::vector<StepSpec>& steps) {
  int n = 0;
  for (const auto& s : steps) n += s.repeat;
  return n;
}

Result<std::vector<std::string>> template_variables(std::string_view text) {
  std::vector<std::string> out;
  for (std::size_t at = text.find("{{"); at != std::string_view::npos; at = text.find("{{", at)) {
    const auto end = text.find("}}", at + 2);
    if (end == std::string_view::npos)
      return Error{fmt::format("'{{{{' at {} is not closed by '}}}}'", at)};
    const std::string name(trim(text.substr(at + 2, end - at - 2)));
    if (!is_variable_name(name))
      return Error{
          fmt::format("'{{{{{}}}}}' is no variable: expected a capture's name, "
                      "user.COLUMN or session",
                      printable(name))};
    out.push_back(name);
    at = end + 2;
  }
  return out;
}

}  // namespace sc
