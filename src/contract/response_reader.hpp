#pragma once
// What identifies the backend that answered a request, and what marks a lost session, read
// from one response. Our mock backends' contract is one implementation (ContractReader); the
// probe's sources (a header, a cookie, a JSON pointer, a regex, automatic recognition) are
// others. The driver calls it once per completed response, on its own thread.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sc {

struct HeaderField {
  std::string name;   // lower case
  std::string value;  // surrounding blanks removed
};

struct ResponseView {
  std::uint32_t session = 0;  // the session (virtual user) that sent the request
  std::uint32_t seq = 0;      // the request's number within its session
  int status = 0;             // HTTP status
  // The header fields the reader asked for (wants_header), in order of arrival.
  std::span<const HeaderField> headers;
  // The body's first body_limit() bytes; `body_truncated` when there were more.
  std::string_view body;
  bool body_truncated = false;
  // The Cookie header the client sent with the request, when the reader asked for it
  // (wants_sent_cookies); empty when it sent none.
  std::string_view sent_cookies;
};

// What one response told. Kept per session by the driver and cleared before each read, so
// its strings' capacity is reused.
struct ResponseFacts {
  std::string backend;        // who answered; empty: not told
  std::string session_id;     // the application's session id, if told
  std::string sticky_value;   // the watched (sticky) cookie's value as the backend received it
  bool session_new = false;   // the application started a session on this request
  bool session_lost = false;  // the request carried a session the application did not hold
  // The request carried a session the application held but let expire (not a loss).
  bool session_expired = false;

  void clear() {
    backend.clear();
    session_id.clear();
    sticky_value.clear();
    session_new = session_lost = session_expired = false;
  }
};

// A redirect as the causes quote it, "301 to https://shop.example.com/": the Location made
// printable and cut at 200 bytes (it comes from the server).
std::string redirect_text(int status, std::string_view location);

class ResponseReader {
 public:
  virtual ~ResponseReader() = default;
  // Whether the driver keeps header field `lower_name` (lower case) for read().
  virtual bool wants_header(std::string_view lower_name) const = 0;
  // The most body bytes read() looks at; the driver keeps no more (0: none).
  virtual std::size_t body_limit() const = 0;
  // Whether read() needs the Cookie header the client sent (costs a look at every request).
  virtual bool wants_sent_cookies() const { return false; }
  virtual void read(const ResponseView& response, ResponseFacts& facts) = 0;
};

}  // namespace sc
