#include "driver/lean_loop.hpp"

#include <fmt/format.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cmath>
#include <deque>
#include <optional>
#include <random>
#include <variant>

#include "cookie/cookie_pairs.hpp"
#include "driver/drive_common.hpp"
#include "driver/lean_connection.hpp"
#include "driver/rate_gate.hpp"
#include "driver/socketio_client.hpp"
#include "driver/step_script.hpp"
#include "driver/websocket_echo_client.hpp"
#include "identify/exchange_view.hpp"
#include "identify/response_view.hpp"

namespace sc::detail {

namespace {

namespace asio = boost::asio;
using Clock = DriveClock;

// A concurrent session slot: the sessions it runs one after another share its connection
// (as libcurl's pool lets a new session reuse a finished one's), each with its own jar.
struct Slot {
  Slot(asio::io_context& ioc, const LeanTarget& target, std::chrono::milliseconds timeout)
      : connection(ioc, target, timeout), timer(ioc) {}
  LeanConnection connection;
  asio::steady_timer timer;  // pauses, the rate, Retry-After holds
  std::uint32_t session = 0;
  std::optional<asio::ip::address> source;  // the session's own address (source_per_session)
  bool cookieless = false;
  bool released = false;  // the rate gate gave it its turn
  std::uint32_t last_backend = StringTable::kNone;
  std::uint32_t realtime_seq = 0;  // a real-time session's record in progress
  // When its last answer came (the clock read for the record's latency): the next request's
  // pause counts from it, and a time not after it has passed. A clock read costs about as
  // much as parsing a field; a request made three more of them.
  Clock::time_point answered_at{};
  CookieJar jar;
  ResponseCapture capture;
  ResponseFacts facts;
  std::string request, cookies;
};

class LeanLoop {
 public:
  LeanLoop(const DriverConfig& cfg, ResponseReader& reader, const DriverHooks& hooks,
           const LoopPart& part, DriveShared& shared, const LeanTarget& target)
      : cfg_(cfg),
        reader_(reader),
        part_(part),
        shared_(shared),
        target_(target),
        hooks_(hooks, part_, shared),
        step_wishes_(reader),
        control_timer_(ioc_),
        wake_(ioc_),
        gate_timer_(ioc_) {}
  ~LeanLoop();
  LoopResult run();

 private:
  asio::awaitable<void> run_slot(Slot& slot);
  void start_session(Slot& slot);
  asio::awaitable<void> wait_turn(Slot& slot, Clock::time_point earliest);
  asio::awaitable<void> gate_loop();
  asio::awaitable<void> request(Slot& slot, std::uint32_t seq);
  asio::awaitable<void> steps_session(Slot& slot);
  asio::awaitable<void> step_request(Slot& slot, StepScript& script, std::uint32_t seq);
  asio::awaitable<void> realtime_session(Slot& slot);
  asio::awaitable<int> realtime_events(Slot& slot, RealtimeConnection& io, int seq,
                                       std::optional<RealtimeFailure> upgrade);
  std::unique_ptr<RealtimeConnection> realtime_connection(Slot& slot);
  void record_event(Slot& slot, std::uint32_t seq, Clock::time_point started,
                    const std::variant<std::string, RealtimeFailure>& outcome, bool first);
  void build_request(Slot& slot, std::uint32_t seq, const CookieOrigin& origin);
  void record(Slot& slot, RequestRecord& rec, const Exchange& answer);
  asio::awaitable<void> control();
  asio::awaitable<void> watch_wake_fd();
  void stop(std::string reason);

  asio::io_context ioc_{1};  // first member: destroyed after everything that uses it
  const DriverConfig& cfg_;
  ResponseReader& reader_;
  const LoopPart part_;
  DriveShared& shared_;
  const LeanTarget& target_;
  PartHooks hooks_;
  StepWishes step_wishes_;
  asio::steady_timer control_timer_;
  asio::posix::stream_descriptor wake_;
  std::deque<Slot> slots_;
  std::vector<std::string> heads_;  // per path: request line and fixed fields
  std::vector<std::string> paths_;  // per path: the cookie path (no query)
  int sessions_ = 0, next_session_ = 0, running_ = 0;
  std::mt19937 source_rng_, pause_rng_;
  // The rate's slots and whose turn each is (none without a rate), and what wakes its loop.
  std::optional<RateGate<Slot*>> gate_;
  asio::steady_timer gate_timer_;
  RetryHold hold_;
  int consecutive_transport_errors_ = 0;
  std::string last_error_;
  bool woken_ = false;
  bool stopping_ = false;
  LoopResult result_;
};

LeanLoop::~LeanLoop() {
  if (wake_.is_open()) wake_.release();  // the caller's descriptor: not ours to close
}

void LeanLoop::start_session(Slot& slot) {
  slot.session = static_cast<std::uint32_t>(part_.first_session + part_.stride * next_session_++);
  const double share = cfg_.cookieless_share;
  slot.cookieless =
      share > 0 && std::floor((slot.session + 1) * share) > std::floor(slot.session * share);
  slot.last_backend = StringTable::kNone;
  slot.jar = CookieJar();
  const CookieOrigin root{target_.host, "/", target_.secure_context};
  if (!slot.cookieless)
    for (const auto& c : parse_cookie_header(cfg_.initial_cookies))
      slot.jar.seed(c.name, c.value, root, false);
  if (cfg_.source_per_session) {
    // Drawn for every session, so the addresses do not depend on the run's timing.
    std::uniform_int_distribution<int> octet(0, 255), host(1, 254);
    const int a = octet(source_rng_), b = octet(source_rng_), c = host(source_rng_);
    slot.source = asio::ip::make_address_v4(
        static_cast<asio::ip::address_v4::uint_type>((127 << 24) | (a << 16) | (b << 8) | c));
    slot.connection.set_source(slot.source);
  }
}

// Waits until the session's next request may start: after `earliest` and any Retry-After
// hold, then its turn at the rate's gate. A hold that began while it waited moves it past it.
asio::awaitable<void> LeanLoop::wait_turn(Slot& slot, Clock::time_point earliest) {
  for (;;) {
    const Clock::time_point at = std::max(earliest, hold_.until());
    if (at > slot.answered_at && at > Clock::now()) {
      slot.timer.expires_at(at);
      co_await slot.timer.async_wait(kTuple);
      if (stopping_) co_return;
      earliest = hold_.until();
      continue;
    }
    if (!gate_) co_return;
    slot.released = false;
    gate_->ready(&slot);
    gate_timer_.cancel();  // the gate's loop looks again
    slot.timer.expires_at(Clock::time_point::max());
    co_await slot.timer.async_wait(kTuple);  // until the gate gives it its turn
    if (stopping_ || !slot.released || hold_.until() <= Clock::now()) co_return;
    earliest = hold_.until();
  }
}

// Hands the rate's slots to the sessions waiting at the gate, one per slot, in a random order.
asio::awaitable<void> LeanLoop::gate_loop() {
  while (running_ > 0 && !stopping_) {
    if (auto slot = gate_->release(Clock::now())) {
      (*slot)->released = true;
      (*slot)->timer.cancel();
      continue;
    }
    gate_timer_.expires_at(gate_->empty() ? Clock::time_point::max() : gate_->next_slot());
    co_await gate_timer_.async_wait(kTuple);
  }
}

// The request line and fixed fields as libcurl writes them, then the session's cookies.
void LeanLoop::build_request(Slot& slot, std::uint32_t seq, const CookieOrigin& origin) {
  slot.request = heads_[seq % heads_.size()];
  slot.cookies.clear();
  if (!slot.cookieless)
    slot.jar.cookie_header(origin, std::chrono::system_clock::now(), slot.cookies);
  if (!slot.cookies.empty()) {
    slot.request += "Cookie: ";
    slot.request += slot.cookies;
    slot.request += "\r\n";
  }
  slot.request += "\r\n";
}

asio::awaitable<void> LeanLoop::request(Slot& slot, std::uint32_t seq) {
  const CookieOrigin origin{target_.host, paths_[seq % paths_.size()], target_.secure_context};
  slot.capture.reset();
  build_request(slot, seq, origin);
  if (reader_.wants_sent_cookies()) slot.capture.set_sent_cookies(slot.cookies);
  RequestRecord rec;
  rec.session = slot.session;
  rec.seq = seq;
  rec.cookieless = slot.cookieless;
  const auto started = Clock::now();
  rec.start_us =
      std::chrono::duration_cast<std::chrono::microseconds>(started - shared_.t0).count();
  const Exchange answer = co_await slot.connection.exchange(
      slot.request, {slot.capture, slot.cookieless ? nullptr : &slot.jar, origin},
      cfg_.connection_per_request, started);
  if (stopping_) co_return;  // the run ended while it was in flight: not recorded
  slot.answered_at = Clock::now();
  rec.latency_us = static_cast<std::int32_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(slot.answered_at - started).count());
  record(slot, rec, answer);
  if (cfg_.honour_retry_after) hold_.note(rec.status, slot.capture.retry_after());
}

void LeanLoop::record(Slot& slot, RequestRecord& rec, const Exchange& answer) {
  rec.status = static_cast<std::int16_t>(answer.status);
  if (answer.status == 0) {
    last_error_ = answer.error;
    append_record(shared_, reader_, rec, nullptr, slot.facts, last_error_, slot.last_backend);
    if (++consecutive_transport_errors_ >= cfg_.max_consecutive_transport_errors &&
        cfg_.max_consecutive_transport_errors > 0)
      stop(error_limit_reason(consecutive_transport_errors_, last_error_));
    return;
  }
  consecutive_transport_errors_ = 0;
  const auto view = slot.capture.view(rec.session, rec.seq, answer.status);
  append_record(shared_, reader_, rec, &view, slot.facts, last_error_, slot.last_backend);
}

// A socket.io session's record for one event: the backend its acknowledgement named, or why
// none came (a "Session ID unknown" answer is a loss, named by the backend that gave it).
void LeanLoop::record_event(Slot& slot, std::uint32_t seq, Clock::time_point started,
                            const std::variant<std::string, RealtimeFailure>& outcome, bool first) {
  RequestRecord rec;
  rec.session = slot.session;
  rec.seq = seq;
  rec.cookieless = slot.cookieless;
  rec.start_us = std::chrono::duration_cast<std::chrono::microseconds>(started - shared_.t0).count();
  rec.latency_us = static_cast<std::int32_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started).count());
  slot.facts.clear();
  std::string error;
  if (const auto* name = std::get_if<std::string>(&outcome)) {
    rec.status = 200;
    slot.facts.backend = *name;
    slot.facts.session_new = first;  // the first event of a new engine.io session
  } else {
    const auto& f = std::get<RealtimeFailure>(outcome);
    rec.status = static_cast<std::int16_t>(f.status);
    slot.facts.backend = f.backend;
    slot.facts.session_lost = f.lost;
    error = f.error;
  }
  append_facts(shared_, rec, rec.status == 0 ? nullptr : &slot.facts, error, slot.last_backend);
}

// Events from `seq` on over one open connection, until the session's last or a failure;
// returns the next event's number. A refused upgrade (`upgrade`) is recorded after the first
// event, where it happened for the client: the session's first record stays its first answer.
asio::awaitable<int> LeanLoop::realtime_events(Slot& slot, RealtimeConnection& io, int seq,
                                               std::optional<RealtimeFailure> upgrade) {
  auto earliest = Clock::now();
  for (bool first = true; seq < cfg_.requests_per_session && !stopping_; first = false) {
    co_await wait_turn(slot, earliest);
    if (stopping_) break;
    const auto started = Clock::now();
    slot.realtime_seq = static_cast<std::uint32_t>(seq);
    const auto outcome = co_await io.ask(static_cast<std::uint64_t>(seq) + 1);
    if (stopping_) break;
    record_event(slot, static_cast<std::uint32_t>(seq++), started, outcome, first);
    if (upgrade && seq < cfg_.requests_per_session) {
      record_event(slot, static_cast<std::uint32_t>(seq++), started, *upgrade, false);
      upgrade.reset();
    }
    if (std::holds_alternative<RealtimeFailure>(outcome)) break;
    earliest = Clock::now() + draw_pause(cfg_.pause, pause_rng_);
  }
  co_return seq;
}

// The session's connection for its protocol: a socket.io client, or a plain WebSocket.
std::unique_ptr<RealtimeConnection> LeanLoop::realtime_connection(Slot& slot) {
  CookieJar* jar = slot.cookieless ? nullptr : &slot.jar;
  auto observe = [this, &slot](const ResponseView& view) {
    // The connection knows no session: its answers are this slot's session's, for the record
    // in progress.
    ResponseView mine = view;
    mine.session = slot.session;
    mine.seq = slot.realtime_seq;
    // The reader keeps its tallies (the cookies set) under the lock.
    std::lock_guard hold(shared_.lock);
    reader_.read(mine, slot.facts);
  };
  if (cfg_.protocol == SessionProtocol::kWebSocket)
    return std::make_unique<WebSocketEchoConnection>(ioc_, target_, cfg_.realtime.websocket_path,
                                                     slot.session, cfg_.client.timeout, jar,
                                                     slot.source, reader_, std::move(observe));
  return std::make_unique<SocketIoConnection>(ioc_, target_, cfg_.realtime, cfg_.client.timeout,
                                              jar, slot.source, reader_, std::move(observe));
}

// A real-time client: connects, asks its questions (events, echoes), and after a failure
// connects again (for socket.io a new engine.io session) for the next, as clients reconnect.
asio::awaitable<void> LeanLoop::realtime_session(Slot& slot) {
  int seq = 0;
  while (seq < cfg_.requests_per_session && !stopping_) {
    auto io = realtime_connection(slot);
    const auto started = Clock::now();
    slot.realtime_seq = static_cast<std::uint32_t>(seq);
    auto failed = co_await io->open();
    // A refused upgrade is a request of its own that failed; the session goes on polling.
    auto upgrade = io->take_upgrade_failure();
    if (failed) {
      if (!stopping_) record_event(slot, static_cast<std::uint32_t>(seq++), started, *failed, true);
    } else {
      seq = co_await realtime_events(slot, *io, seq, std::move(upgrade));
    }
    co_await io->close();
  }
}

// A session that follows its steps: one record per request (and per redirect hop), until the
// last step or the first that fails.
asio::awaitable<void> LeanLoop::steps_session(Slot& slot) {
  const std::size_t row = take_user(cfg_, shared_, slot.session);
  StepScript script(cfg_.steps, row == kNoUser ? nullptr : &cfg_.users[row], slot.session);
  auto earliest = Clock::now();
  for (std::uint32_t seq = 0; !script.done() && !stopping_; ++seq) {
    co_await wait_turn(slot, earliest);
    if (stopping_) break;
    co_await step_request(slot, script, seq);
    earliest = slot.answered_at + draw_pause(cfg_.pause, pause_rng_);
  }
  release_user(cfg_, shared_, row);
}

asio::awaitable<void> LeanLoop::step_request(Slot& slot, StepScript& script, std::uint32_t seq) {
  RequestRecord rec;
  rec.session = slot.session;
  rec.seq = seq;
  rec.step = script.step();
  rec.cookieless = slot.cookieless;
  const auto started = Clock::now();
  rec.start_us = std::chrono::duration_cast<std::chrono::microseconds>(started - shared_.t0).count();
  auto request = script.request();
  if (!request) {  // a value that cannot be sent: the step's error, nothing sent
    script.abandon();
    append_facts(shared_, rec, nullptr, request.error().message, slot.last_backend);
    co_return;
  }
  const std::string target = (request->from_root ? "" : target_.path_prefix) + request->target;
  const CookieOrigin origin{target_.host, target.substr(0, target.find_first_of("?#")),
                            target_.secure_context};
  slot.capture.reset();
  slot.cookies.clear();
  if (!slot.cookieless)
    slot.jar.cookie_header(origin, std::chrono::system_clock::now(), slot.cookies);
  slot.request = request_text(*request, target_.path_prefix, target_.host_header,
                              cfg_.client.user_agent, slot.cookies);
  if (reader_.wants_sent_cookies()) slot.capture.set_sent_cookies(slot.cookies);
  const Exchange answer = co_await slot.connection.exchange(
      slot.request, {slot.capture, slot.cookieless ? nullptr : &slot.jar, origin},
      cfg_.connection_per_request, started);
  if (stopping_) co_return;
  slot.answered_at = Clock::now();
  rec.latency_us = static_cast<std::int32_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(slot.answered_at - started).count());
  if (answer.status == 0) {
    script.abandon();
    rec.status = 0;
    record(slot, rec, answer);
    co_return;
  }
  rec.status = static_cast<std::int16_t>(answer.status);
  consecutive_transport_errors_ = 0;
  const auto view = slot.capture.view(rec.session, seq, answer.status);
  const StepAnswer said = script.take(identify::identify_view(view));
  append_step_record(shared_, reader_, rec, view, slot.facts, said, slot.last_backend);
  if (cfg_.honour_retry_after) hold_.note(rec.status, slot.capture.retry_after());
}

asio::awaitable<void> LeanLoop::run_slot(Slot& slot) {
  while (!stopping_ && next_session_ < sessions_) {
    start_session(slot);
    if (cfg_.protocol != SessionProtocol::kHttp) {
      co_await realtime_session(slot);
      continue;
    }
    if (!cfg_.steps.empty()) {
      co_await steps_session(slot);
      continue;
    }
    auto earliest = Clock::now();
    for (int seq = 0; seq < cfg_.requests_per_session && !stopping_; ++seq) {
      co_await wait_turn(slot, earliest);
      if (stopping_) break;
      co_await request(slot, static_cast<std::uint32_t>(seq));
      // Drawn only before a next request, so pauses follow the libcurl loop's sequence.
      if (seq + 1 < cfg_.requests_per_session)
        earliest = slot.answered_at + draw_pause(cfg_.pause, pause_rng_);
    }
  }
  slot.connection.finish();
  if (--running_ == 0) {
    control_timer_.cancel();
    gate_timer_.cancel();
  }
}

void LeanLoop::stop(std::string reason) {
  if (stopping_) return;
  stopping_ = true;
  result_.stopped = true;
  result_.stop_reason = std::move(reason);
  ioc_.stop();  // in-flight requests are abandoned, as the libcurl loop's
}

// Calls the hooks and asks whether to stop, every 10 ms (100 ms without a tick).
asio::awaitable<void> LeanLoop::control() {
  while (running_ > 0 && !stopping_) {
    control_timer_.expires_after(hooks_.period());
    co_await control_timer_.async_wait(kTuple);
    if (running_ == 0) break;
    hooks_.call();
    const bool woken = woken_;
    woken_ = false;
    if (auto reason = hooks_.stop_reason(woken); !reason.empty()) stop(std::move(reason));
  }
  if (wake_.is_open()) wake_.cancel();
}

// wake_fd readable: ask should_stop at once.
asio::awaitable<void> LeanLoop::watch_wake_fd() {
  while (running_ > 0 && !stopping_) {
    auto [ec] = co_await wake_.async_wait(asio::posix::descriptor_base::wait_read, kTuple);
    if (ec || running_ == 0) co_return;
    woken_ = true;
    control_timer_.cancel();  // the control loop runs now (its wait ends early)
  }
}

LoopResult LeanLoop::run() {
  for (const auto& p : cfg_.paths.empty() ? std::vector<std::string>{"/"} : cfg_.paths) {
    const std::string target = target_.path_prefix + p;
    heads_.push_back(fmt::format("GET {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: {}\r\nAccept: */*\r\n",
                                 target, target_.host_header, cfg_.client.user_agent));
    paths_.push_back(target.substr(0, target.find_first_of("?#")));
  }
  // Each part draws its own pauses and source addresses, as the libcurl loop.
  source_rng_.seed((cfg_.seed ^ 0x5eed5eedu) + static_cast<unsigned>(part_.first_session));
  pause_rng_.seed(cfg_.seed + static_cast<unsigned>(part_.first_session));
  sessions_ = (cfg_.sessions - part_.first_session + part_.stride - 1) / part_.stride;
  const int slots = std::min(part_.concurrency, sessions_);
  for (int i = 0; i < slots; ++i) {
    Slot& slot = slots_.emplace_back(ioc_, target_, cfg_.client.timeout);
    if (cfg_.steps.empty())
      slot.capture.use(reader_);
    else
      slot.capture.use(step_wishes_);
    ++running_;
    asio::co_spawn(ioc_, slot.connection.watchdog(), asio::detached);
    asio::co_spawn(ioc_, run_slot(slot), asio::detached);
  }
  asio::co_spawn(ioc_, control(), asio::detached);
  if (part_.rate > 0) {
    gate_.emplace(part_.rate, cfg_.seed + static_cast<unsigned>(part_.first_session));
    asio::co_spawn(ioc_, gate_loop(), asio::detached);
  }
  boost::system::error_code ec;
  if (cfg_.wake_fd >= 0 && part_.calls_hooks) wake_.assign(cfg_.wake_fd, ec);
  if (wake_.is_open()) asio::co_spawn(ioc_, watch_wake_fd(), asio::detached);
  ioc_.run();
  hooks_.report_progress(true);
  return std::move(result_);
}

}  // namespace

LoopResult run_lean_loop(const DriverConfig& cfg, ResponseReader& reader, const DriverHooks& hooks,
                         const LoopPart& part, DriveShared& shared) {
  auto target = lean_target(cfg);
  if (!target.ok()) {
    LoopResult out;
    out.setup_error = target.error().message;
    return out;
  }
  LeanLoop loop(cfg, reader, hooks, part, shared, *target);
  return loop.run();
}

}  // namespace sc::detail
