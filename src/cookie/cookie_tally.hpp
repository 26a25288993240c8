#pragma once
// The cookies a run's responses set, tallied for the report: each name once, with its
// attributes as first set, a few example values and how many responses set it. Bounded: a
// site that sets hundreds of names or huge values cannot make it grow without limit.
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sc {

class CookieTally {
 public:
  static constexpr std::size_t kMaxNames = 64;
  static constexpr std::size_t kMaxExamples = 3;
  static constexpr std::size_t kMaxText = 256;  // longer names are skipped, values cut

  struct Entry {
    std::string name;
    std::string attributes;             // as first set: "path=/; HttpOnly"
    std::vector<std::string> examples;  // up to kMaxExamples distinct non-empty values
    long long responses = 0;            // responses that set it
  };

  // One Set-Cookie header value, as received.
  void add(std::string_view set_cookie);
  const std::vector<Entry>& entries() const { return entries_; }  // in order of first sight

 private:
  std::vector<Entry> entries_;
  std::unordered_map<std::string, std::size_t> index_;
};

}  // namespace sc
