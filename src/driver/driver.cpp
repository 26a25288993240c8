#include "driver/driver.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <memory>
#include <random>

#include "driver/response_capture.hpp"

namespace sc {

namespace {

using Clock = std::chrono::steady_clock;

struct Session {
  CURL* easy = nullptr;
  std::uint32_t index = 0;
  std::uint32_t next_seq = 0;
  bool cookieless = false;
  std::uint32_t last_backend = StringTable::kNone;  // for the progress' move count
  std::string source;  // CURLOPT_INTERFACE, "host!127.A.B.C"; empty: the kernel's choice
  ResponseCapture capture;
  ResponseFacts facts;
  Clock::time_point started;
  char error[CURL_ERROR_SIZE] = {0};
};

// One run of the multi loop. The steps, in the order a request lives through them:
// start_session -> submit (now, or after a pause / the rate / a Retry-After hold) -> launch ->
// on_response (one record) -> submit the next request, or on_done.
class DriveLoop {
 public:
  DriveLoop(const DriverConfig& cfg, ResponseReader& reader, const DriverHooks& hooks)
      : cfg_(cfg), reader_(reader), hooks_(hooks), lists_(cfg.client) {}
  ~DriveLoop();
  DriverOutcome run();

 private:
  bool start_session();
  void submit(Session& s, Clock::time_point earliest);
  void launch(Session& s);
  void release_due();
  void on_response(CURLMsg* msg);
  void on_done(Session& s);
  void note_hold(const RequestRecord& rec, const Session& s);
  void wait_for_activity();
  std::string stop_reason();
  void report_progress(bool force);

  const DriverConfig& cfg_;
  ResponseReader& reader_;
  const DriverHooks& hooks_;
  ClientLists lists_;
  DriverOutcome out_;
  CURLM* multi_ = nullptr;
  std::vector<std::string> urls_;
  std::size_t total_ = 0;
  Clock::time_point t0_;
  std::deque<std::unique_ptr<Session>> active_;
  int next_session_ = 0;
  std::mt19937 source_rng_, pause_rng_;
  // Sessions waiting for their next request's time, soonest first.
  std::vector<std::pair<Clock::time_point, Session*>> waiting_;
  Clock::time_point next_slot_{};   // the rate's next free start time
  Clock::time_point hold_until_{};  // Retry-After: no request starts before this
  std::chrono::milliseconds backoff_{0};
  int consecutive_transport_errors_ = 0;
  DriverProgress progress_;
  Clock::time_point last_progress_{};
};

// libcurl's own words; its out-of-memory code is also what a response header line over its
// 100 KiB limit gives, which is by far the likelier cause here, so the text says so.
std::string transport_error_text(CURLcode code, const char* error_buffer) {
  if (error_buffer[0]) return error_buffer;
  if (code == CURLE_OUT_OF_MEMORY)
    return "out of memory, or (much likelier) a response header line over libcurl's 100 KiB "
           "limit";
  return curl_easy_strerror(code);
}

bool later(const std::pair<Clock::time_point, Session*>& a,
           const std::pair<Clock::time_point, Session*>& b) {
  return a.first > b.first;
}

DriveLoop::~DriveLoop() {
  for (auto& s : active_) {
    if (!s->easy) continue;
    curl_multi_remove_handle(multi_, s->easy);
    curl_easy_cleanup(s->easy);
  }
  if (multi_) curl_multi_cleanup(multi_);
}

bool DriveLoop::start_session() {
  auto s = std::make_unique<Session>();
  s->easy = curl_easy_init();
  if (!s->easy) return false;
  s->index = static_cast<std::uint32_t>(next_session_++);
  const double share = cfg_.cookieless_share;
  s->cookieless = share > 0 && std::floor((s->index + 1) * share) > std::floor(s->index * share);
  CURL* e = s->easy;
  configure_handle(e, cfg_.client, lists_);
  // Its own cookie jar; a cookieless client has none, so it never sends a cookie.
  if (!s->cookieless) {
    curl_easy_setopt(e, CURLOPT_COOKIEFILE, "");
    for (const auto& line : initial_cookie_lines(cfg_.base_url, cfg_.initial_cookies))
      curl_easy_setopt(e, CURLOPT_COOKIELIST, line.c_str());
  }
  if (cfg_.connection_per_request) {
    curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
    curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
  }
  if (cfg_.source_per_session) {
    // Drawn for every session, so the addresses do not depend on the run's timing.
    std::uniform_int_distribution<int> octet(0, 255), host(1, 254);
    const int a = octet(source_rng_), b = octet(source_rng_), c = host(source_rng_);
    s->source = fmt::format("host!127.{}.{}.{}", a, b, c);
    curl_easy_setopt(e, CURLOPT_INTERFACE, s->source.c_str());
  }
  s->capture.attach(e, reader_);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, s->error);
  curl_easy_setopt(e, CURLOPT_PRIVATE, s.get());
  Session& ref = *s;
  active_.push_back(std::move(s));
  submit(ref, Clock::now());
  return true;
}

void DriveLoop::submit(Session& s, Clock::time_point earliest) {
  Clock::time_point at = std::max(earliest, hold_until_);
  if (cfg_.rate > 0) {
    at = std::max(at, next_slot_);
    next_slot_ = at + std::chrono::duration_cast<Clock::duration>(
                          std::chrono::duration<double>(1.0 / cfg_.rate));
  }
  if (at <= Clock::now()) return launch(s);
  waiting_.emplace_back(at, &s);
  std::push_heap(waiting_.begin(), waiting_.end(), later);
}

void DriveLoop::launch(Session& s) {
  s.capture.reset();
  s.error[0] = 0;
  curl_easy_setopt(s.easy, CURLOPT_URL, urls_[s.next_seq % urls_.size()].c_str());
  s.started = Clock::now();
  curl_multi_add_handle(multi_, s.easy);
}

void DriveLoop::release_due() {
  const auto now = Clock::now();
  while (!waiting_.empty() && waiting_.front().first <= now) {
    std::pop_heap(waiting_.begin(), waiting_.end(), later);
    Session* s = waiting_.back().second;
    waiting_.pop_back();
    // A hold that began while it waited moves it (and its rate slot) past the hold.
    if (hold_until_ > now)
      submit(*s, hold_until_);
    else
      launch(*s);
  }
}

void DriveLoop::on_response(CURLMsg* msg) {
  Session* s = nullptr;
  curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, reinterpret_cast<char**>(&s));
  auto& strings = out_.records.strings;
  RequestRecord rec;
  rec.session = s->index;
  rec.seq = s->next_seq++;
  rec.cookieless = s->cookieless;
  rec.start_us = std::chrono::duration_cast<std::chrono::microseconds>(s->started - t0_).count();
  rec.latency_us = static_cast<std::int32_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - s->started).count());
  if (msg->data.result == CURLE_OK) {
    long code = 0;
    curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &code);
    rec.status = static_cast<std::int16_t>(code);
    s->facts.clear();
    reader_.read(s->capture.view(rec.session, rec.seq, static_cast<int>(code)), s->facts);
    rec.backend = strings.intern(s->facts.backend);
    rec.session_id = strings.intern(s->facts.session_id);
    rec.sticky_value = strings.intern(s->facts.sticky_value);
    rec.session_new = s->facts.session_new;
    rec.session_lost = s->facts.session_lost;
    rec.session_expired = s->facts.session_expired;
    consecutive_transport_errors_ = 0;
  } else {
    rec.error = strings.intern(transport_error_text(msg->data.result, s->error));
    ++consecutive_transport_errors_;
  }
  progress_.errors += rec.status == 0 || rec.status >= 500;
  progress_.moves += rec.backend != StringTable::kNone && s->last_backend != StringTable::kNone &&
                     rec.backend != s->last_backend;
  if (rec.backend != StringTable::kNone) s->last_backend = rec.backend;
  out_.records.records.push_back(rec);
  ++progress_.done;
  curl_multi_remove_handle(multi_, s->easy);
  note_hold(rec, *s);
  if (static_cast<int>(s->next_seq) >= cfg_.requests_per_session) return on_done(*s);
  std::chrono::microseconds pause{0};
  if (cfg_.pause.count() > 0) {
    std::uniform_int_distribution<long long> pause_us(0, 2 * cfg_.pause.count());
    pause = std::chrono::microseconds(pause_us(pause_rng_));
  }
  submit(*s, Clock::now() + pause);
}

// A 429/503 with Retry-After, or a bare 429, holds every session's next request.
void DriveLoop::note_hold(const RequestRecord& rec, const Session& s) {
  if (!cfg_.honour_retry_after) return;
  if (rec.status != 429 && rec.status != 503) {
    backoff_ = std::chrono::milliseconds(0);
    return;
  }
  auto wait = s.capture.retry_after();
  if (!wait && rec.status == 429) {
    backoff_ = std::min<std::chrono::milliseconds>(
        backoff_.count() ? backoff_ * 2 : std::chrono::milliseconds(1000),
        std::chrono::seconds(30));
    wait = backoff_;
  }
  if (wait) hold_until_ = std::max(hold_until_, Clock::now() + *wait);
}

void DriveLoop::on_done(Session& s) {
  curl_easy_cleanup(s.easy);
  s.easy = nullptr;
}

std::string DriveLoop::stop_reason() {
  if (cfg_.max_consecutive_transport_errors > 0 &&
      consecutive_transport_errors_ >= cfg_.max_consecutive_transport_errors)
    return fmt::format("stopped after {} transport errors in a row (last: {})",
                       consecutive_transport_errors_,
                       out_.records.strings.get(out_.records.records.back().error));
  return hooks_.should_stop ? hooks_.should_stop() : std::string();
}

void DriveLoop::report_progress(bool force) {
  if (!hooks_.progress) return;
  const auto now = Clock::now();
  if (!force && now - last_progress_ < std::chrono::milliseconds(100)) return;
  last_progress_ = now;
  progress_.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(now - t0_);
  hooks_.progress(progress_);
}

void DriveLoop::wait_for_activity() {
  curl_waitfd extra{};
  unsigned extra_count = 0;
  if (cfg_.wake_fd >= 0) {
    extra.fd = cfg_.wake_fd;
    extra.events = CURL_WAIT_POLLIN;
    extra_count = 1;
  }
  int wait_ms = hooks_.tick ? 10 : 100;
  if (!waiting_.empty()) {
    const auto until =
        std::chrono::ceil<std::chrono::milliseconds>(waiting_.front().first - Clock::now());
    wait_ms = static_cast<int>(std::clamp<long long>(until.count(), 0, wait_ms));
  }
  curl_multi_poll(multi_, extra_count ? &extra : nullptr, extra_count, wait_ms, nullptr);
}

DriverOutcome DriveLoop::run() {
  multi_ = curl_ready() ? curl_multi_init() : nullptr;
  if (!multi_) {
    out_.setup_error = "libcurl could not be initialised";
    return std::move(out_);
  }
  for (const auto& p : cfg_.paths) urls_.push_back(cfg_.base_url + p);
  if (urls_.empty()) urls_.push_back(cfg_.base_url + "/");
  total_ =
      static_cast<std::size_t>(cfg_.sessions) * static_cast<std::size_t>(cfg_.requests_per_session);
  progress_.total = total_;
  out_.records.records.reserve(total_);
  source_rng_.seed(cfg_.seed ^ 0x5eed5eedu);
  pause_rng_.seed(cfg_.seed);
  t0_ = last_progress_ = Clock::now();
  while (next_session_ < cfg_.sessions && static_cast<int>(active_.size()) < cfg_.concurrency)
    if (!start_session()) break;
  while (!active_.empty()) {
    release_due();
    int running = 0;
    curl_multi_perform(multi_, &running);
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_, &left))
      if (msg->msg == CURLMSG_DONE) on_response(msg);
    std::erase_if(active_, [](const auto& s) { return s->easy == nullptr; });
    while (next_session_ < cfg_.sessions && static_cast<int>(active_.size()) < cfg_.concurrency)
      if (!start_session()) break;
    if (active_.empty()) break;
    if (hooks_.tick)
      hooks_.tick(progress_.done,
                  std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0_));
    report_progress(false);
    wait_for_activity();
    if (auto reason = stop_reason(); !reason.empty()) {
      out_.stopped = true;
      out_.stop_reason = reason;
      break;
    }
  }
  report_progress(true);
  return std::move(out_);
}

}  // namespace

DriverOutcome drive(const DriverConfig& config, ResponseReader& reader, const DriverHooks& hooks) {
  DriveLoop loop(config, reader, hooks);
  return loop.run();
}

}  // namespace sc
