#pragma once
// One session's walk through its steps (traffic.steps): what to send next, rendered from the
// captures so far, the session's user row and its index; what each answer means (captures,
// the expected status, a redirect the step follows, the step's sign of a lost session). Pure:
// the driver sends and receives.
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "driver/step_spec.hpp"
#include "identify/response_view.hpp"
#include "util/result.hpp"

namespace sc {

struct StepRequest {
  std::string_view method;
  std::string target;  // path and query, rendered and percent-encoded where a value went in
  std::vector<std::pair<std::string, std::string>> headers;  // rendered, checked
  std::string content_type;  // empty: none sent
  std::string body;
  bool has_body = false;   // a form, json or body: Content-Length is sent
  bool from_root = false;  // a redirect's Location: not under the URL's path prefix
};

// What an answer meant for the session.
struct StepAnswer {
  bool lost = false;  // a lost_when sign, from the begins_session step on
  // The step names its own sign (lost_when): it decides alone, as --lost-when does.
  bool own_signal = false;
  std::string error;  // the step failed: the session sends nothing more
};

// The request as the lean client sends it: request line (the target after `prefix`), Host,
// User-Agent, Accept, the step's headers, its body's type and length, the session's cookies,
// then the body.
std::string request_text(const StepRequest& r, std::string_view prefix,
                         std::string_view host_header, std::string_view user_agent,
                         std::string_view cookies);

class StepScript {
 public:
  StepScript(const std::vector<StepSpec>& steps, const UserRow* user, std::uint32_t session);

  bool done() const { return failed_ || index_ >= steps_->size(); }
  std::uint16_t step() const { return static_cast<std::uint16_t>(index_); }
  // From the begins_session step on (every step when none has it): affinity and losses count.
  bool judged() const { return index_ >= begins_; }
  // The request to send now (the step, or the redirect hop it follows); an error when a value
  // cannot be sent as it is (a line break in a header value).
  Result<StepRequest> request() const;
  // Reads the answer to that request and moves on.
  StepAnswer take(const identify::ResponseView& answer);
  // The request could not be sent or was not answered: the session sends nothing more.
  void abandon() { failed_ = true; }

 private:
  Result<std::string> render(std::string_view text, char how) const;
  Result<std::string> value_of(const std::string& name) const;
  Result<std::string> render_body(const StepSpec& s) const;
  std::string capture(const StepSpec& s, const identify::ResponseView& answer);
  bool follow(const StepSpec& s, const identify::ResponseView& answer, StepAnswer& out);
  void next();

  const std::vector<StepSpec>* steps_;
  const UserRow* user_;
  std::uint32_t session_;
  std::size_t index_ = 0, begins_ = 0;
  int repeats_done_ = 0, hops_ = 0;
  std::string hop_target_;  // the Location being followed; empty: the step itself
  bool hop_keeps_method_ = false;
  bool failed_ = false;
  std::map<std::string, std::string> vars_;
};

}  // namespace sc
