#include "contract/contract_reader.hpp"

#include <nlohmann/json.hpp>
#include <optional>

#include "contract/backend_contract.hpp"
#include "util/text.hpp"

namespace sc {

namespace {

namespace f = contract::field;

// Reads the body's top-level session fields and the watched cookie's echo as the parser
// meets them, without building a DOM (a map and strings per response, most of the driver's
// time in this reader). As the DOM did: a later duplicate key wins, a value of the wrong
// type is ignored, and an invalid body sets nothing (the fields apply only once it parsed).
class BodySax final : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit BodySax(const std::string& watch_cookie) : watch_cookie_(watch_cookie) {}
  void move_into(ResponseFacts& facts) {
    if (session_id_) facts.session_id = std::move(*session_id_);
    if (session_new_) facts.session_new = *session_new_;
    if (session_lost_) facts.session_lost = *session_lost_;
    if (session_expired_) facts.session_expired = *session_expired_;
    if (sticky_) facts.sticky_value = std::move(*sticky_);
  }

  bool null() override { return true; }
  bool boolean(bool v) override {
    if (depth_ == 1) {
      if (key_ == f::kSessionNew) session_new_ = v;
      if (key_ == f::kSessionLost) session_lost_ = v;
      if (key_ == f::kSessionExpired) session_expired_ = v;
    }
    return true;
  }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t& v) override {
    if (depth_ == 1 && key_ == f::kSessionId) session_id_ = std::move(v);
    if (in_cookie_object()) {
      if (key_ == f::kCookieName) cookie_name_ = std::move(v);
      if (key_ == f::kCookieValue) cookie_value_ = std::move(v);
    }
    return true;
  }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override {
    open(false);
    if (in_cookie_object()) cookie_name_.reset(), cookie_value_.clear();
    return true;
  }
  bool key(string_t& k) override {
    key_ = std::move(k);
    if (depth_ == 1) forget(key_);  // a later duplicate replaces the earlier value
    return true;
  }
  bool end_object() override {
    // A cookie object whose name is the watched one: the first, as the application reads it.
    if (in_cookie_object() && !cookie_found_ && cookie_name_ == watch_cookie_) {
      sticky_ = cookie_value_;
      cookie_found_ = true;
    }
    return close();
  }
  bool start_array(std::size_t) override {
    open(true);
    return true;
  }
  bool end_array() override { return close(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  void forget(const std::string& k) {
    if (k == f::kSessionId) session_id_.reset();
    if (k == f::kSessionNew) session_new_.reset();
    if (k == f::kSessionLost) session_lost_.reset();
    if (k == f::kSessionExpired) session_expired_.reset();
    if (k == f::kCookies) sticky_.reset(), cookie_found_ = false;
  }
  // Depth 1 is the body's object; the watched cookie's objects sit at depth 3 inside the
  // top-level `cookies` array (depth 2).
  bool in_cookie_object() const { return depth_ == 3 && cookies_array_ && !array_[3]; }
  void open(bool array) {
    if (depth_ == 1) cookies_array_ = array && key_ == f::kCookies && !watch_cookie_.empty();
    ++depth_;
    if (depth_ < kDepths) array_[depth_] = array;
  }
  bool close() {
    --depth_;
    return true;
  }

  static constexpr int kDepths = 4;
  const std::string& watch_cookie_;
  int depth_ = 0;
  bool array_[kDepths] = {};
  bool cookies_array_ = false;  // the current depth-2 container is the top-level `cookies` array
  std::string key_;
  std::optional<std::string> session_id_, sticky_, cookie_name_;
  std::optional<bool> session_new_, session_lost_, session_expired_;
  std::string cookie_value_;
  bool cookie_found_ = false;
};

}  // namespace

bool ContractReader::wants_header(std::string_view lower_name) const {
  return lower_name == contract::kBackendHeaderLower || lower_name == "set-cookie" ||
         lower_name == "location";
}

void ContractReader::note_redirect(int status, std::string_view location) {
  if (status < 300 || status >= 400 || !redirect_example_.empty()) return;
  redirect_example_ = redirect_text(status, location);
}

void ContractReader::read(const ResponseView& response, ResponseFacts& facts) {
  for (const auto& h : response.headers) {
    if (h.name == "set-cookie")
      cookies_.add(h.value);
    else if (h.name == "location")
      note_redirect(response.status, h.value);
    else if (h.name == contract::kBackendHeaderLower)  // others when the driver keeps all
      facts.backend = h.value;
  }
  if (response.body_truncated) return;  // not a mock backend's answer
  // Fills the fields the mock backend reports in its JSON body; other bodies leave them unset.
  // A body that cannot be an object is not parsed at all: nlohmann builds an error message
  // for every failed parse, which cost a run against nginx 6% of the client's CPU.
  const auto first = response.body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || response.body[first] != '{') return;
  BodySax sax(watch_cookie_);
  // sax_parse is strict: true only when the whole body is one complete JSON value.
  if (nlohmann::json::sax_parse(response.body, &sax)) sax.move_into(facts);

}

}  // namespace sc
