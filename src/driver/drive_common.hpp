#pragma once
// What both clients' loops (libcurl's and the lean one) do the same way: a record per request,
// the Retry-After hold, the pauses, the hooks and the stop question. Internal to the driver.
#include <chrono>
#include <optional>
#include <random>
#include <string>

#include "driver/drive_loop.hpp"
#include "driver/step_script.hpp"

namespace sc::detail {

// The reader's look at one response (`view`; null after a transport error named by `error`)
// and the record's append, under the shared lock. `last_backend` is the session's previous
// backend, for the progress' move count.
void append_record(DriveShared& shared, ResponseReader& reader, RequestRecord& rec,
                   const ResponseView* view, ResponseFacts& facts, const std::string& error,
                   std::uint32_t& last_backend);

// A step's record: the reader's look at the answer, the step's own sign of a lost session
// (when it names one, it decides alone) and its error (an unexpected status, a capture that
// found nothing) beside it.
void append_step_record(DriveShared& shared, ResponseReader& reader, RequestRecord& rec,
                        const ResponseView& view, ResponseFacts& facts, const StepAnswer& said,
                        std::uint32_t& last_backend);

// The same for a record whose facts the driver read itself (a socket.io event's
// acknowledgement), without a reader; `facts` null after a transport error.
void append_facts(DriveShared& shared, RequestRecord& rec, const ResponseFacts* facts,
                  const std::string& error, std::uint32_t& last_backend);

// What a step's answer must keep beside the reader's wishes: every header (a Location to
// follow, a captured one) and a body a capture or a lost_when sign can read.
class StepWishes final : public ResponseReader {
 public:
  explicit StepWishes(const ResponseReader& reader) : reader_(reader) {}
  bool wants_header(std::string_view) const override { return true; }
  std::size_t body_limit() const override;
  bool wants_sent_cookies() const override { return true; }  // a cookie: capture reads them
  void read(const ResponseView&, ResponseFacts&) override {}

 private:
  const ResponseReader& reader_;
};

// The users file row session `session` takes: with users_unique the lowest one no session in
// flight holds (give it back with release_user), else the session's index modulo the rows.
// kNoUser without users.
inline constexpr std::size_t kNoUser = static_cast<std::size_t>(-1);
std::size_t take_user(const DriverConfig& cfg, DriveShared& shared, std::uint32_t session);
void release_user(const DriverConfig& cfg, DriveShared& shared, std::size_t row);

// A 429/503 with Retry-After, or a bare 429, holds every session's next request.
class RetryHold {
 public:
  void note(int status, std::optional<std::chrono::milliseconds> retry_after);
  DriveClock::time_point until() const { return until_; }

 private:
  DriveClock::time_point until_{};
  std::chrono::milliseconds backoff_{0};
};

// The pause before a session's next request: uniform in [0, 2 x mean].
std::chrono::microseconds draw_pause(std::chrono::microseconds mean, std::mt19937& rng);

// The hooks a part calls (progress, tick, should_stop), at the rates driver.hpp promises.
class PartHooks {
 public:
  PartHooks(const DriverHooks& hooks, const LoopPart& part, DriveShared& shared)
      : hooks_(hooks), part_(part), shared_(shared) {}
  void call();  // tick, and progress at most every 100 ms
  void report_progress(bool force);
  // shared.stop, else should_stop (asked every 10 ms, at once when `woken`); "" to go on.
  std::string stop_reason(bool woken);
  // How long a part may wait before calling them again.
  std::chrono::milliseconds period() const;

 private:
  const DriverHooks& hooks_;
  const LoopPart& part_;
  DriveShared& shared_;
  DriveClock::time_point last_progress_ = DriveClock::now();
  DriveClock::time_point next_stop_look_{};
};

// libcurl's words for too many transport errors in a row.
std::string error_limit_reason(int count, const std::string& last_error);

}  // namespace sc::detail
