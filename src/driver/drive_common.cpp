#include "driver/drive_common.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <mutex>

#include "identify/response_view.hpp"

namespace sc::detail {

namespace {

// Under shared.lock: the facts into the record, the record into the set.
void push(DriveShared& shared, RequestRecord& rec, const ResponseFacts* facts,
          const std::string& error, std::uint32_t& last_backend) {
  auto& strings = shared.records.strings;
  if (facts) {
    rec.backend = strings.intern(facts->backend);
    rec.sticky_value = strings.intern(facts->sticky_value);
    rec.session_new = facts->session_new;
    rec.session_lost = facts->session_lost;
    rec.session_expired = facts->session_expired;
  }
  if (!error.empty()) rec.error = strings.intern(error);
  auto& progress = shared.progress;
  progress.errors += rec.status == 0 || rec.status >= 500;
  progress.moves += rec.backend != StringTable::kNone && last_backend != StringTable::kNone &&
                    rec.backend != last_backend;
  if (rec.backend != StringTable::kNone) last_backend = rec.backend;
  shared.records.records.push_back(rec);
  ++progress.done;
}

}  // namespace

void append_record(DriveShared& shared, ResponseReader& reader, RequestRecord& rec,
                   const ResponseView* view, ResponseFacts& facts, const std::string& error,
                   std::uint32_t& last_backend) {
  std::lock_guard hold(shared.lock);
  if (view) {
    facts.clear();
    reader.read(*view, facts);
  }
  push(shared, rec, view ? &facts : nullptr, view ? std::string() : error, last_backend);
}

void append_step_record(DriveShared& shared, ResponseReader& reader, RequestRecord& rec,
                        const ResponseView& view, ResponseFacts& facts, const StepAnswer& said,
                        std::uint32_t& last_backend) {
  std::lock_guard hold(shared.lock);
  facts.clear();
  reader.read(view, facts);
  facts.session_lost = said.own_signal ? said.lost : facts.session_lost;
  push(shared, rec, &facts, said.error, last_backend);
}

void append_facts(DriveShared& shared, RequestRecord& rec, const ResponseFacts* facts,
                  const std::string& error, std::uint32_t& last_backend) {
  std::lock_guard hold(shared.lock);
  push(shared, rec, facts, error, last_backend);
}

std::size_t take_user(const DriverConfig& cfg, DriveShared& shared, std::uint32_t session) {
  if (cfg.users.empty()) return kNoUser;
  if (!cfg.users_unique) return session % cfg.users.size();
  std::lock_guard hold(shared.lock);
  auto& held = shared.users_in_flight;
  if (held.size() != cfg.users.size()) held.assign(cfg.users.size(), false);
  // A shard takes only its own rows (index = shard_index modulo shard_count): no row is held
  // by two shards' sessions at once either.
  const auto step = static_cast<std::size_t>(std::max(1, cfg.shard_count));
  for (auto row = static_cast<std::size_t>(cfg.shard_index); row < held.size(); row += step)
    if (!held[row]) {
      held[row] = true;
      return row;
    }
  return session % cfg.users.size();  // not reached: resolve refused too few rows
}

void release_user(const DriverConfig& cfg, DriveShared& shared, std::size_t row) {
  if (!cfg.users_unique || row == kNoUser) return;
  std::lock_guard hold(shared.lock);
  if (row < shared.users_in_flight.size()) shared.users_in_flight[row] = false;
}

std::size_t StepWishes::body_limit() const {
  return std::max(identify::kMaxBodyBytes, reader_.body_limit());
}

void RetryHold::note(int status, std::optional<std::chrono::milliseconds> wait) {
  if (status != 429 && status != 503) {
    backoff_ = std::chrono::milliseconds(0);
    return;
  }
  if (!wait && status == 429) {
    backoff_ = std::min<std::chrono::milliseconds>(
        backoff_.count() ? backoff_ * 2 : std::chrono::milliseconds(1000),
        std::chrono::seconds(30));
    wait = backoff_;
  }
  if (wait) until_ = std::max(until_, DriveClock::now() + *wait);
}

std::chrono::microseconds draw_pause(std::chrono::microseconds mean, std::mt19937& rng) {
  if (mean.count() <= 0) return std::chrono::microseconds(0);
  std::uniform_int_distribution<long long> pause_us(0, 2 * mean.count());
  return std::chrono::microseconds(pause_us(rng));
}

void PartHooks::call() {
  if (!part_.calls_hooks) return;
  if (hooks_.tick)
    hooks_.tick(shared_.progress.done, std::chrono::duration_cast<std::chrono::microseconds>(
                                           DriveClock::now() - shared_.t0));
  report_progress(false);
}

void PartHooks::report_progress(bool force) {
  if (!part_.calls_hooks || !hooks_.progress) return;
  const auto now = DriveClock::now();
  if (!force && now - last_progress_ < std::chrono::milliseconds(100)) return;
  last_progress_ = now;
  DriverProgress p;
  {
    std::lock_guard hold(shared_.lock);
    p = shared_.progress;
  }
  p.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(now - shared_.t0);
  hooks_.progress(p);
}

std::string PartHooks::stop_reason(bool woken) {
  if (shared_.stop.load(std::memory_order_relaxed)) return "stopped";
  if (!part_.calls_hooks || !hooks_.should_stop) return "";
  // Asking may cost system calls (the supervisor reaps children): every 10 ms is enough.
  const auto now = DriveClock::now();
  if (!woken && now < next_stop_look_) return "";
  next_stop_look_ = now + std::chrono::milliseconds(10);
  return hooks_.should_stop();
}

std::chrono::milliseconds PartHooks::period() const {
  // A part that calls no hooks still looks at shared.stop every 10 ms.
  return std::chrono::milliseconds(hooks_.tick || !part_.calls_hooks ? 10 : 100);
}

std::string error_limit_reason(int count, const std::string& last_error) {
  return fmt::format("stopped after {} transport errors in a row (last: {})", count, last_error);
}

}  // namespace sc::detail
