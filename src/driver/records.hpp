#pragma once
// One compact record per request, strings interned once per run.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sc {

class StringTable {
 public:
  static constexpr std::uint32_t kNone = 0;  // id 0 is the empty string / "not seen"
  StringTable() { strings_.emplace_back(); }
  std::uint32_t intern(std::string_view s);
  // The id of a string already interned; kNone when it never was.
  std::uint32_t find(std::string_view s) const;
  const std::string& get(std::uint32_t id) const { return strings_.at(id); }
  std::size_t size() const { return strings_.size(); }

 private:
  std::vector<std::string> strings_;
  std::unordered_map<std::string, std::uint32_t> ids_;
};

inline constexpr std::uint16_t kNoStep = 0xFFFF;

struct RequestRecord {
  std::uint32_t session = 0;   // 0-based session (virtual user) index
  std::uint32_t seq = 0;       // 0-based request number within the session
  std::int64_t start_us = 0;   // request start, microseconds since the traffic began
  std::int32_t latency_us = 0; // start to last byte of the response
  std::int16_t status = 0;     // HTTP status; 0 when the transport failed
  // The traffic.steps step that sent it (in what was padding); kNoStep without steps.
  std::uint16_t step = kNoStep;
  std::uint32_t backend = StringTable::kNone;       // X-Stickycheck-Backend value
  // (The session id the backend reported is not kept: no check reads it, and interning one
  // string per session was a third of a large run's memory.)
  std::uint32_t sticky_value = StringTable::kNone;  // value of the watched (sticky) cookie the
                                                    // backend received, if any
  std::uint32_t error = StringTable::kNone;         // transport error text, if any
  bool session_new = false;   // the backend started a session on this request
  bool session_lost = false;  // the request carried a session id this backend did not know
  // The request carried a session id this backend let expire (idle past its lifetime): not a
  // loss. Sits in what was padding: the record stays 40 bytes.
  bool session_expired = false;
  bool cookieless = false;    // the session's client keeps no cookies (traffic.cookieless_share)
};

// 40 bytes: a 1,000,000-request run keeps 40 MB of records (docs/speed.md).
static_assert(sizeof(RequestRecord) <= 40);

struct RecordSet {
  StringTable strings;
  std::vector<RequestRecord> records;
};

}  // namespace sc
