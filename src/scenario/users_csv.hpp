#pragma once
// The users file of traffic.users and probe --users: a CSV header line naming the columns,
// then one user per row (RFC 4180: quoted fields, "" inside quotes, CRLF or LF, blank lines
// skipped). Pure: the caller reads the file; errors are "FILE:LINE: ...".
#include <string>
#include <string_view>
#include <vector>

#include "driver/step_spec.hpp"
#include "util/result.hpp"

namespace sc {

struct UsersTable {
  std::vector<std::string> columns;
  std::vector<UserRow> rows;
};

inline constexpr std::size_t kMaxUsers = 1'000'000;

Result<UsersTable> parse_users_csv(std::string_view text, const std::string& file);

// "row 3 (name=alice, team=blue)": a user as reports and logs may name one, secret columns
// left out.
std::string user_label(const UserRow& row);

}  // namespace sc
