#pragma once
// The ResponseReader for stickycheck's own mock backends: the backend header and the JSON
// body's session fields (contract/backend_contract.hpp).
#include <string>

#include "contract/response_reader.hpp"
#include "cookie/cookie_tally.hpp"

namespace sc {

class ContractReader : public ResponseReader {
 public:
  // `watch_cookie`: the cookie whose received value (from the body's `cookies` echo) becomes
  // facts.sticky_value; empty: none.
  explicit ContractReader(std::string watch_cookie = {}) : watch_cookie_(std::move(watch_cookie)) {}
  bool wants_header(std::string_view lower_name) const override;
  // A mock backend's body is a few hundred bytes plus the cookies it echoes.
  std::size_t body_limit() const override { return 64 * 1024; }
  void read(const ResponseView& response, ResponseFacts& facts) override;
  // The cookies the responses set (for the report).
  const CookieTally& cookies() const { return cookies_; }
  // The first redirect answered, "301 to https://shop.example.com/" (bounded, printable); ""
  // when none was.
  const std::string& redirect_example() const { return redirect_example_; }

 private:
  void note_redirect(int status, std::string_view location);

  std::string watch_cookie_;
  CookieTally cookies_;
  std::string redirect_example_;
};

}  // namespace sc
