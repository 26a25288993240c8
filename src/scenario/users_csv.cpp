#include "scenario/users_csv.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <set>

#include "util/text.hpp"

namespace sc {

namespace {

// One record from `at`: its fields, or an error; `at` moves past it and `line` counts the
// line breaks crossed (a quoted field may hold some).
Result<std::vector<std::string>> next_record(std::string_view text, std::size_t& at,
                                             std::size_t& line) {
  std::vector<std::string> fields(1);
  bool quoted = false, was_quoted = false;
  while (at < text.size()) {
    const char c = text[at++];
    if (quoted) {
      if (c == '"' && at < text.size() && text[at] == '"') {
        fields.back() += '"';
        ++at;
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n') ++line;
        fields.back() += c;
      }
    } else if (c == '"' && fields.back().empty() && !was_quoted) {
      quoted = was_quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
      was_quoted = false;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && at < text.size() && text[at] == '\n') ++at;
      ++line;
      return fields;
    } else if (was_quoted) {
      return Error{"text after a closing quote (write \"\" for a quote inside one)"};
    } else {
      fields.back() += c;
    }
  }
  if (quoted) return Error{"a quoted field is not closed"};
  return fields;
}

bool blank(const std::vector<std::string>& fields) {
  return fields.size() == 1 && trim(fields[0]).empty();
}

Result<std::vector<std::string>> header_of(const std::vector<std::string>& fields) {
  std::set<std::string> seen;
  for (const auto& name : fields) {
    if (!is_variable_name(name) || name.find('.') != std::string::npos)
      return Error{
          fmt::format("column '{}': expected a name of letters, digits, '_' and '-' "
                      "(it becomes {{{{user.NAME}}}})",
                      printable(name))};
    if (!seen.insert(name).second) return Error{fmt::format("column '{}' twice", name)};
  }
  return fields;
}

}  // namespace

Result<UsersTable> parse_users_csv(std::string_view text, const std::string& file) {
  UsersTable t;
  std::size_t at = 0, line = 1;
  while (at < text.size()) {
    const std::size_t starts = line;
    auto fields = next_record(text, at, line);
    if (!fields) return Error{fmt::format("{}:{}: {}", file, starts, fields.error().message)};
    if (blank(*fields)) continue;
    if (t.columns.empty()) {
      auto header = header_of(*fields);
      if (!header) return Error{fmt::format("{}:{}: {}", file, starts, header.error().message)};
      t.columns = std::move(*header);
      continue;
    }
    if (fields->size() != t.columns.size())
      return Error{fmt::format("{}:{}: expected {} fields ({}), got {}", file, starts,
                               t.columns.size(), fmt::join(t.columns, ", "), fields->size())};
    if (t.rows.size() >= kMaxUsers)
      return Error{fmt::format("{}:{}: more than {} users", file, starts, kMaxUsers)};
    UserRow row;
    row.row = t.rows.size() + 1;
    for (std::size_t i = 0; i < fields->size(); ++i)
      row.columns.emplace_back(t.columns[i], std::move((*fields)[i]));
    t.rows.push_back(std::move(row));
  }
  if (t.columns.empty())
    return Error{fmt::format("{}:1: expected a header line naming the columns", file)};
  if (t.rows.empty())
    return Error{fmt::format("{}:{}: expected at least one user after the header", file, line)};
  return t;
}

std::string user_label(const UserRow& row) {
  std::string shown;
  for (const auto& [name, value] : row.columns)
    if (!is_secret_column(name))
      shown += fmt::format("{}{}={}", shown.empty() ? "" : ", ", name, printable(value));
  return fmt::format("row {} ({})", row.row, shown);
}

}  // namespace sc
