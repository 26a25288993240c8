#pragma once
// JSON text written straight into a string, for answers built on every request (the mock
// backend's body): no DOM, so no allocation per member. Compact, as nlohmann's dump(-1).
// Strings are escaped as nlohmann does (", \, and control characters; other bytes as they
// are), and ill-formed UTF-8 becomes U+FFFD, one per maximal ill-formed subpart (Unicode's
// recommended practice), so any bytes a client sends give valid JSON.
#include <cstdint>
#include <string>
#include <string_view>

namespace sc {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  // The next value is this member's (inside an object).
  JsonWriter& key(std::string_view name);
  JsonWriter& string(std::string_view s);
  JsonWriter& boolean(bool b);
  JsonWriter& integer(std::int64_t n);

 private:
  void before_value();
  JsonWriter& open(char bracket);   // a container's first byte
  JsonWriter& close(char bracket);  // its last: the container counts as a member
  void quoted(std::string_view s);

  std::string& out_;
  bool need_comma_ = false;  // the current container already has a member
  bool after_key_ = false;   // a key was written: its value follows without a comma
};

// `s` as a JSON string's content (without the quotes), appended to `out`.
void append_json_escaped(std::string& out, std::string_view s);

}  // namespace sc
