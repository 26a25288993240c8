#pragma once
// What the driver keeps of one response while libcurl (or the lean client) receives it: the header
// fields its ResponseReader asked for (plus Retry-After, which the driver honours itself) and the
// body up to the reader's limit. Reused for every request of a session.
#include <curl/curl.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "contract/response_reader.hpp"

namespace sc {

class ResponseCapture {
 public:
  // Installs the header and body callbacks on `e`; the reader says what to keep.
  void attach(CURL* e, const ResponseReader& reader);
  // Without libcurl (the lean client feeds it): the reader says what to keep.
  void use(const ResponseReader& reader);
  void reset();  // before each request
  // A new response begins (an interim 1xx one's fields are not the final response's).
  void start_response();
  void field(std::string_view lower_name, std::string_view value);
  void body(std::string_view data);
  void set_sent_cookies(std::string_view cookies) { sent_cookies_.assign(cookies); }
  ResponseView view(std::uint32_t session, std::uint32_t seq, int status) const;
  // Retry-After of the last response, as seconds or an HTTP date (capped at 120 s).
  std::optional<std::chrono::milliseconds> retry_after() const;

 private:
  static size_t on_header(char* data, size_t size, size_t n, void* user);
  static size_t on_body(char* data, size_t size, size_t n, void* user);
  static int on_debug(CURL* e, curl_infotype type, char* data, size_t size, void* user);
  void header_line(std::string_view line);

  const ResponseReader* reader_ = nullptr;
  std::size_t body_limit_ = 0;
  std::vector<HeaderField> headers_;
  std::size_t header_count_ = 0;  // headers_[0, header_count_) belong to this response
  std::string retry_after_;
  std::string body_;
  bool truncated_ = false;
  std::string sent_cookies_;
};

// Netscape cookie-file lines (for CURLOPT_COOKIELIST) that put `cookies` ("a=1; b=2") in a
// jar for the host of `base_url`, path "/", as if the site had set them.
std::vector<std::string> initial_cookie_lines(const std::string& base_url,
                                              const std::string& cookies);

}  // namespace sc
