#pragma once
// Test data kept as files under fixtures/, read by the unit and the integration tests alike.
#include <fstream>
#include <iterator>
#include <string>

namespace sc::test {

// The text of fixtures/... (a path relative to the source directory); "" when unreadable, which
// the test's own expectations then show.
inline std::string fixture_text(const std::string& relative) {
  std::ifstream in(std::string(STICKYCHECK_SOURCE_DIR) + "/" + relative, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The Apache block a user pastes from their site (fixtures/apache/pasted-block.conf): Listen on
// line 1, the two BalancerMembers on lines 4 and 5, nothing after line 8.
inline const std::string& pasted_apache_block() {
  static const std::string text = fixture_text("fixtures/apache/pasted-block.conf");
  return text;
}

}  // namespace sc::test
