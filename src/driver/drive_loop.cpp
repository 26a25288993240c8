#include "driver/drive_loop.hpp"

#include <curl/curl.h>
#include <fmt/format.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <deque>
#include <memory>
#include <optional>
#include <random>

#include "driver/drive_common.hpp"
#include "driver/rate_gate.hpp"
#include "driver/lean_loop.hpp"
#include "driver/lean_target.hpp"
#include "driver/loopback.hpp"
#include "driver/response_capture.hpp"
#include "driver/step_script.hpp"
#include "identify/exchange_view.hpp"

namespace sc::detail {

namespace {

using Clock = DriveClock;

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
  // traffic.steps: the session's script, and what its request needs while libcurl sends it.
  std::optional<StepScript> script;
  std::uint16_t step = kNoStep;
  std::size_t user_row = kNoUser;
  std::string url, body;
  Slist headers;
};

// One run of the multi loop. The steps, in the order a request lives through them:
// start_session -> submit (now, or after a pause / the rate / a Retry-After hold) -> launch ->
// on_response (one record) -> submit the next request, or on_done.
class DriveLoop {
 public:
  DriveLoop(const DriverConfig& cfg, ResponseReader& reader, const DriverHooks& hooks,
            const LoopPart& part, DriveShared& shared)
      : cfg_(cfg),
        reader_(reader),
        part_(part),
        shared_(shared),
        part_hooks_(hooks, part_, shared),
        step_wishes_(reader),
        lists_(cfg.client) {}
  ~DriveLoop();
  LoopResult run();

 private:
  bool start_session();
  void submit(Session& s, Clock::time_point earliest);
  void launch(Session& s);
  bool set_step_request(Session& s);
  void take_step_answer(RequestRecord& rec, Session& s, CURLcode result);
  void release_due();
  void on_response(CURLMsg* msg);
  void on_done(Session& s);
  bool set_up_multi();
  static int on_socket(CURL* e, curl_socket_t fd, int what, void* self, void* socket_data);
  static int on_timer(CURLM* m, long timeout_ms, void* self);
  static int on_new_socket(void* self, curl_socket_t fd, curlsocktype purpose);
  void wait_for_activity();
  void read_messages();
  void record(RequestRecord& rec, Session& s, CURLcode result);
  std::string stop_reason();

  const DriverConfig& cfg_;
  ResponseReader& reader_;
  const LoopPart part_;
  DriveShared& shared_;
  PartHooks part_hooks_;
  StepWishes step_wishes_;
  ClientLists lists_;
  CURLM* multi_ = nullptr;
  // libcurl's socket interface: it names the sockets to watch and when to call it back, we
  // wait with epoll and tell it only what is ready (multi_perform looked at every transfer,
  // with a poll() per transfer, on every wake-up).
  int epoll_fd_ = -1;
  struct Watch {
    bool registered = false;  // in the epoll set, with `events`
    bool wanted = false;      // libcurl watches it (false: parked)
    std::uint32_t events = 0;
  };
  std::vector<Watch> watched_;                 // by socket number
  std::optional<Clock::time_point> curl_due_;  // when libcurl wants a timeout call
  std::vector<std::string> urls_;
  std::deque<std::unique_ptr<Session>> active_;
  int next_session_ = 0;  // the next session of this part
  std::mt19937 source_rng_, pause_rng_;
  // Sessions waiting for their next request's time, soonest first.
  std::vector<std::pair<Clock::time_point, Session*>> waiting_;
  // The rate's slots and whose turn each is (none without a rate).
  std::optional<RateGate<Session*>> gate_;
  RetryHold hold_;  // Retry-After: no request starts before hold_.until()
  int consecutive_transport_errors_ = 0;
  std::string last_error_;  // the last transport error's text
  bool woken_ = false;      // wake_fd was readable
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
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
}

bool DriveLoop::set_up_multi() {
  multi_ = curl_ready() ? curl_multi_init() : nullptr;
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (!multi_ || epoll_fd_ < 0) return false;
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, on_socket);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, on_timer);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
  if (cfg_.wake_fd >= 0) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = cfg_.wake_fd;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, cfg_.wake_fd, &ev);
  }
  return true;
}

// A socket libcurl stops watching stays in the epoll set, parked: most come back with the
// same events for the session's next request, so a request costs no epoll_ctl at all (it cost
// three or four). A parked socket that reports anything is taken out then.
int DriveLoop::on_socket(CURL*, curl_socket_t fd, int what, void* self, void*) {
  auto* loop = static_cast<DriveLoop*>(self);
  auto& watch = loop->watched_;
  if (static_cast<std::size_t>(fd) >= watch.size()) watch.resize(static_cast<std::size_t>(fd) + 1);
  auto& w = watch[static_cast<std::size_t>(fd)];
  if (what == CURL_POLL_REMOVE) {
    w.wanted = false;
    return 0;
  }
  const std::uint32_t events =
      (what & CURL_POLL_IN ? EPOLLIN : 0u) | (what & CURL_POLL_OUT ? EPOLLOUT : 0u);
  w.wanted = true;
  if (w.registered && w.events == events) return 0;
  epoll_event ev{};
  ev.events = events;
  ev.data.fd = fd;
  // A socket closed while parked left the set by itself, and its number may be reused.
  if (!w.registered || ::epoll_ctl(loop->epoll_fd_, EPOLL_CTL_MOD, fd, &ev) != 0)
    ::epoll_ctl(loop->epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
  w.registered = true;
  w.events = events;
  return 0;
}

// A new socket may reuse the number of one closed while parked (which left the set by
// itself): it starts unregistered.
int DriveLoop::on_new_socket(void* self, curl_socket_t fd, curlsocktype) {
  auto& watch = static_cast<DriveLoop*>(self)->watched_;
  if (static_cast<std::size_t>(fd) < watch.size()) watch[static_cast<std::size_t>(fd)] = {};
  return CURL_SOCKOPT_OK;
}

int DriveLoop::on_timer(CURLM*, long timeout_ms, void* self) {
  auto* loop = static_cast<DriveLoop*>(self);
  if (timeout_ms < 0)
    loop->curl_due_.reset();
  else
    loop->curl_due_ = Clock::now() + std::chrono::milliseconds(timeout_ms);
  return 0;
}

bool DriveLoop::start_session() {
  auto s = std::make_unique<Session>();
  s->easy = curl_easy_init();
  if (!s->easy) return false;
  s->index = static_cast<std::uint32_t>(part_.first_session + part_.stride * next_session_++);
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
  no_environment_proxy_for_loopback(e, cfg_.base_url);
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
  if (cfg_.steps.empty()) {
    s->capture.attach(e, reader_);
  } else {
    s->capture.attach(e, step_wishes_);
    s->user_row = take_user(cfg_, shared_, s->index);
    s->script.emplace(cfg_.steps, s->user_row == kNoUser ? nullptr : &cfg_.users[s->user_row],
                      s->index);
  }
  curl_easy_setopt(e, CURLOPT_SOCKOPTFUNCTION, on_new_socket);
  curl_easy_setopt(e, CURLOPT_SOCKOPTDATA, this);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, s->error);
  curl_easy_setopt(e, CURLOPT_PRIVATE, s.get());
  Session& ref = *s;
  active_.push_back(std::move(s));
  submit(ref, Clock::now());
  return true;
}

// The session's next request waits for `earliest` and any hold, then for its turn at the gate.
void DriveLoop::submit(Session& s, Clock::time_point earliest) {
  const Clock::time_point at = std::max(earliest, hold_.until());
  if (at > Clock::now()) {
    waiting_.emplace_back(at, &s);
    std::push_heap(waiting_.begin(), waiting_.end(), later);
  } else if (gate_) {
    gate_->ready(&s);
  } else {
    launch(s);
  }
}

void DriveLoop::launch(Session& s) {
  s.capture.reset();
  s.error[0] = 0;
  s.started = Clock::now();
  if (s.script && !set_step_request(s)) return;
  if (!s.script) curl_easy_setopt(s.easy, CURLOPT_URL, urls_[s.next_seq % urls_.size()].c_str());
  curl_multi_add_handle(multi_, s.easy);
}

// The step's method, URL, headers and body on the handle; false (the step's error recorded,
// the session done) when a value cannot be sent.
bool DriveLoop::set_step_request(Session& s) {
  s.step = s.script->step();
  auto request = s.script->request();
  if (!request) {
    s.script->abandon();
    RequestRecord rec;
    rec.session = s.index;
    rec.seq = s.next_seq++;
    rec.step = s.step;
    rec.cookieless = s.cookieless;
    rec.start_us =
        std::chrono::duration_cast<std::chrono::microseconds>(s.started - shared_.t0).count();
    append_facts(shared_, rec, nullptr, request.error().message, s.last_backend);
    on_done(s);
    return false;
  }
  CURL* e = s.easy;
  s.url = cfg_.base_url + request->target;
  curl_easy_setopt(e, CURLOPT_URL, s.url.c_str());
  std::vector<std::string> headers = cfg_.client.headers;
  for (const auto& [name, value] : request->headers) headers.push_back(name + ": " + value);
  if (!request->content_type.empty()) headers.push_back("Content-Type: " + request->content_type);
  s.headers = make_slist(headers);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, s.headers.get());
  s.body = std::move(request->body);
  if (request->method == "GET") {
    curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, nullptr);
  } else {
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, s.body.c_str());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(s.body.size()));
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST,
                     request->method == "POST" ? nullptr : std::string(request->method).c_str());
  }
  return true;
}

void DriveLoop::release_due() {
  const auto now = Clock::now();
  while (!waiting_.empty() && waiting_.front().first <= now) {
    std::pop_heap(waiting_.begin(), waiting_.end(), later);
    Session* s = waiting_.back().second;
    waiting_.pop_back();
    submit(*s, now);  // a hold that began while it waited moves it past the hold
  }
  if (!gate_) return;
  while (auto s = gate_->release(now)) {
    if (hold_.until() > now)
      submit(**s, hold_.until());
    else
      launch(**s);
  }
}

void DriveLoop::on_response(CURLMsg* msg) {
  Session* s = nullptr;
  curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, reinterpret_cast<char**>(&s));
  RequestRecord rec;
  rec.session = s->index;
  rec.seq = s->next_seq++;
  rec.cookieless = s->cookieless;
  rec.start_us =
      std::chrono::duration_cast<std::chrono::microseconds>(s->started - shared_.t0).count();
  rec.latency_us = static_cast<std::int32_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - s->started).count());
  if (s->script)
    take_step_answer(rec, *s, msg->data.result);
  else
    record(rec, *s, msg->data.result);
  curl_multi_remove_handle(multi_, s->easy);
  if (cfg_.honour_retry_after) hold_.note(rec.status, s->capture.retry_after());
  const bool finished = s->script ? s->script->done()
                                  : static_cast<int>(s->next_seq) >= cfg_.requests_per_session;
  if (finished) return on_done(*s);
  submit(*s, Clock::now() + draw_pause(cfg_.pause, pause_rng_));
}

// The reader's look at the response and the record's append, under the shared lock.
void DriveLoop::record(RequestRecord& rec, Session& s, CURLcode result) {
  long code = 0;
  if (result == CURLE_OK) {
    curl_easy_getinfo(s.easy, CURLINFO_RESPONSE_CODE, &code);
    rec.status = static_cast<std::int16_t>(code);
    consecutive_transport_errors_ = 0;
  } else {
    last_error_ = transport_error_text(result, s.error);
    ++consecutive_transport_errors_;
  }
  if (result != CURLE_OK)
    return append_record(shared_, reader_, rec, nullptr, s.facts, last_error_, s.last_backend);
  const auto view = s.capture.view(rec.session, rec.seq, static_cast<int>(code));
  append_record(shared_, reader_, rec, &view, s.facts, last_error_, s.last_backend);
}

// A step's answer: the script reads it (captures, the expected status, a redirect, its sign of
// a lost session), then the record; a transport error ends the script.
void DriveLoop::take_step_answer(RequestRecord& rec, Session& s, CURLcode result) {
  rec.step = s.step;
  if (result != CURLE_OK) {
    s.script->abandon();
    return record(rec, s, result);
  }
  long code = 0;
  curl_easy_getinfo(s.easy, CURLINFO_RESPONSE_CODE, &code);
  rec.status = static_cast<std::int16_t>(code);
  consecutive_transport_errors_ = 0;
  const auto view = s.capture.view(rec.session, rec.seq, static_cast<int>(code));
  const StepAnswer said = s.script->take(identify::identify_view(view));
  append_step_record(shared_, reader_, rec, view, s.facts, said, s.last_backend);
}

void DriveLoop::on_done(Session& s) {
  curl_easy_cleanup(s.easy);
  s.easy = nullptr;
  release_user(cfg_, shared_, std::exchange(s.user_row, kNoUser));
}

std::string DriveLoop::stop_reason() {
  if (cfg_.max_consecutive_transport_errors > 0 &&
      consecutive_transport_errors_ >= cfg_.max_consecutive_transport_errors)
    return error_limit_reason(consecutive_transport_errors_, last_error_);
  const bool woken = woken_;
  woken_ = false;
  return part_hooks_.stop_reason(woken);
}

// Waits for a ready socket, libcurl's timer, a pause's end, the tick or wake_fd, and hands
// libcurl what happened.
void DriveLoop::wait_for_activity() {
  const auto now = Clock::now();
  auto until = now + part_hooks_.period();
  if (!waiting_.empty()) until = std::min(until, waiting_.front().first);
  if (gate_ && !gate_->empty()) until = std::min(until, gate_->next_slot());
  if (curl_due_) until = std::min(until, *curl_due_);
  const auto wait_ms = std::chrono::ceil<std::chrono::milliseconds>(until - now).count();
  std::array<epoll_event, 64> events;
  const int n = ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()),
                             static_cast<int>(std::max<long long>(wait_ms, 0)));
  int running = 0;
  for (int i = 0; i < n; ++i) {
    const int fd = events[i].data.fd;
    if (fd == cfg_.wake_fd) {
      woken_ = true;  // stop_reason() asks at once
      continue;
    }
    if (static_cast<std::size_t>(fd) < watched_.size() &&
        !watched_[static_cast<std::size_t>(fd)].wanted) {
      ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);  // parked, and the peer spoke or left
      watched_[static_cast<std::size_t>(fd)].registered = false;
      continue;
    }
    const int mask = (events[i].events & EPOLLIN ? CURL_CSELECT_IN : 0) |
                     (events[i].events & EPOLLOUT ? CURL_CSELECT_OUT : 0) |
                     (events[i].events & (EPOLLERR | EPOLLHUP) ? CURL_CSELECT_ERR : 0);
    curl_multi_socket_action(multi_, fd, mask, &running);
  }
  if (curl_due_ && *curl_due_ <= Clock::now()) {
    curl_due_.reset();
    curl_multi_socket_action(multi_, CURL_SOCKET_TIMEOUT, 0, &running);
  }
}

void DriveLoop::read_messages() {
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_, &left))
    if (msg->msg == CURLMSG_DONE) on_response(msg);
}

LoopResult DriveLoop::run() {
  LoopResult out;
  if (!set_up_multi()) {
    out.setup_error = "libcurl could not be initialised";
    return out;
  }
  for (const auto& p : cfg_.paths) urls_.push_back(cfg_.base_url + p);
  if (urls_.empty()) urls_.push_back(cfg_.base_url + "/");
  // Each part draws its own pauses and source addresses: a run is reproducible for a given
  // number of threads.
  source_rng_.seed((cfg_.seed ^ 0x5eed5eedu) + static_cast<unsigned>(part_.first_session));
  pause_rng_.seed(cfg_.seed + static_cast<unsigned>(part_.first_session));
  const int sessions = (cfg_.sessions - part_.first_session + part_.stride - 1) / part_.stride;
  if (part_.rate > 0)
    gate_.emplace(part_.rate, cfg_.seed + static_cast<unsigned>(part_.first_session));
  auto start_more = [&] {
    while (next_session_ < sessions && static_cast<int>(active_.size()) < part_.concurrency)
      if (!start_session()) break;
  };
  start_more();
  while (!active_.empty()) {
    release_due();
    read_messages();
    std::erase_if(active_, [](const auto& s) { return s->easy == nullptr; });
    start_more();
    if (active_.empty()) break;
    part_hooks_.call();
    wait_for_activity();
    if (auto reason = stop_reason(); !reason.empty()) {
      out.stopped = true;
      out.stop_reason = reason;
      break;
    }
  }
  part_hooks_.report_progress(true);
  return out;
}

}  // namespace

LoopResult run_drive_loop(const DriverConfig& cfg, ResponseReader& reader, const DriverHooks& hooks,
                          const LoopPart& part, DriveShared& shared) {
  if (lean_client_fits(cfg)) return run_lean_loop(cfg, reader, hooks, part, shared);
  if (cfg.protocol != SessionProtocol::kHttp) {
    LoopResult out;
    out.setup_error = fmt::format(
        "{} sessions are driven over plain http:// only, with no custom headers or "
        "--resolve (https is not supported yet)",
        to_string(cfg.protocol));
    return out;
  }
  DriveLoop loop(cfg, reader, hooks, part, shared);
  return loop.run();
}

}  // namespace sc::detail
