#include "driver/response_capture.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "cookie/cookie_pairs.hpp"
#include "util/text.hpp"

namespace sc {

namespace {

constexpr std::chrono::seconds kMaxRetryAfter{120};
constexpr std::size_t kMaxHeaderName = 64;  // longer names are nobody's identity header

std::string_view trim_blanks(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() &&
         (v.back() == '\r' || v.back() == '\n' || v.back() == ' ' || v.back() == '\t'))
    v.remove_suffix(1);
  return v;
}

}  // namespace

void ResponseCapture::use(const ResponseReader& reader) {
  reader_ = &reader;
  body_limit_ = reader.body_limit();
}

void ResponseCapture::attach(CURL* e, const ResponseReader& reader) {
  use(reader);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, this);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, this);
  if (reader.wants_sent_cookies()) {
    // The request's header block reaches the debug callback only in verbose mode.
    curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, on_debug);
    curl_easy_setopt(e, CURLOPT_DEBUGDATA, this);
    curl_easy_setopt(e, CURLOPT_VERBOSE, 1L);
  }
}

int ResponseCapture::on_debug(CURL*, curl_infotype type, char* data, size_t size, void* user) {
  if (type != CURLINFO_HEADER_OUT) return 0;
  auto* self = static_cast<ResponseCapture*>(user);
  self->sent_cookies_.clear();
  // The whole request header block: keep the Cookie field's value (libcurl sends one).
  for (auto line : split(std::string_view(data, size), '\n')) {
    line = trim_blanks(line);
    if (line.size() > 7 && to_lower(line.substr(0, 7)) == "cookie:")
      self->sent_cookies_.assign(trim_blanks(line.substr(7)));
  }
  return 0;
}

void ResponseCapture::reset() {
  header_count_ = 0;
  retry_after_.clear();
  body_.clear();
  truncated_ = false;
  sent_cookies_.clear();
}

size_t ResponseCapture::on_body(char* data, size_t size, size_t n, void* user) {
  static_cast<ResponseCapture*>(user)->body(std::string_view(data, size * n));
  return size * n;
}

void ResponseCapture::body(std::string_view data) {
  const std::size_t room = body_limit_ - std::min(body_limit_, body_.size());
  if (data.size() > room) truncated_ = true;
  body_.append(data.data(), std::min(data.size(), room));
}

void ResponseCapture::start_response() {
  header_count_ = 0;
  retry_after_.clear();
}

size_t ResponseCapture::on_header(char* data, size_t size, size_t n, void* user) {
  static_cast<ResponseCapture*>(user)->header_line(std::string_view(data, size * n));
  return size * n;
}

void ResponseCapture::header_line(std::string_view line) {
  // A status line starts a response: an interim (1xx) one's fields are not this response's.
  if (line.starts_with("HTTP/")) return start_response();
  const auto colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > kMaxHeaderName) return;
  char lower[kMaxHeaderName];
  for (std::size_t i = 0; i < colon; ++i)
    lower[i] = ascii_lower(line[i]);
  field(std::string_view(lower, colon), trim_blanks(line.substr(colon + 1)));
}

void ResponseCapture::field(std::string_view name, std::string_view value) {
  if (name == "retry-after") retry_after_.assign(value);
  if (!reader_->wants_header(name)) return;
  if (header_count_ == headers_.size()) headers_.emplace_back();
  auto& field = headers_[header_count_++];
  field.name.assign(name);
  field.value.assign(value);
}

ResponseView ResponseCapture::view(std::uint32_t session, std::uint32_t seq, int status) const {
  // Only this response's fields; headers_ keeps older slots for their strings' capacity.
  return ResponseView{session, seq,        status,       {headers_.data(), header_count_},
                      body_,   truncated_, sent_cookies_};
}

std::optional<std::chrono::milliseconds> ResponseCapture::retry_after() const {
  if (retry_after_.empty()) return std::nullopt;
  long long seconds = 0;
  auto [end, ec] =
      std::from_chars(retry_after_.data(), retry_after_.data() + retry_after_.size(), seconds);
  if (ec != std::errc() || end != retry_after_.data() + retry_after_.size()) {
    const time_t when = curl_getdate(retry_after_.c_str(), nullptr);
    if (when < 0) return std::nullopt;
    seconds = static_cast<long long>(when) - static_cast<long long>(std::time(nullptr));
  }
  seconds = std::clamp<long long>(seconds, 0, kMaxRetryAfter.count());
  return std::chrono::milliseconds(seconds * 1000);
}

std::vector<std::string> initial_cookie_lines(const std::string& base_url,
                                              const std::string& cookies) {
  std::vector<std::string> lines;
  if (cookies.empty()) return lines;
  const std::string host = url_host(base_url);
  const bool secure = base_url.starts_with("https://");
  // domain, include subdomains, path, secure, expires (0: session), name, value
  for (const auto& c : parse_cookie_header(cookies))
    lines.push_back(fmt::format("{}\tFALSE\t/\t{}\t0\t{}\t{}", host, secure ? "TRUE" : "FALSE",
                                c.name, c.value));
  return lines;
}

}  // namespace sc
