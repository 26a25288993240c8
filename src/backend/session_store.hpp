#pragma once
// The mock backend's session store, bounded like a real application's: at most `max_sessions`
// ids, each forgotten once idle longer than `lifetime` (PHP's session.gc_maxlifetime). Every
// operation is O(1): a hash map whose nodes also form a least-recently-used list.
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace sc {

struct SessionLimits {
  std::size_t max_sessions = 100'000;
  std::chrono::milliseconds lifetime{1440 * 1000};  // PHP's default gc_maxlifetime
};

// What a session holds beyond its hits: the login flow's CSRF token and logged-in user, each
// bounded by the login handlers (kMaxUserName).
struct SessionData {
  std::string csrf;
  std::string user;
};

// What the store knew of an id a request carried.
enum class SessionState {
  kKnown,    // held and alive: touched, its hits counted
  kExpired,  // held, but idle longer than the lifetime: now forgotten
  kUnknown,  // never issued here, or its slot was reused
};

class SessionStore {
 public:
  using Clock = std::chrono::steady_clock;

  explicit SessionStore(SessionLimits limits) : limits_(limits) {}
  SessionStore(const SessionStore&) = delete;
  SessionStore& operator=(const SessionStore&) = delete;

  // Looks `id` up at `now`; when kKnown, `hits` is its request count including this one.
  SessionState touch(const std::string& id, Clock::time_point now, long long& hits);
  // Starts session `id` with one hit. False, storing nothing, when the store is full of
  // sessions that are still alive (the oldest idle one is reused once it has expired).
  bool start(const std::string& id, Clock::time_point now);

  // The data of a session held (touched or started); null when the store holds no `id`.
  SessionData* data(const std::string& id);
  // Forgets `id` (a login gives its session a new id, as PHP's session_regenerate_id does).
  void erase(const std::string& id);

  std::size_t size() const { return sessions_.size(); }
  const SessionLimits& limits() const { return limits_; }

 private:
  struct Session;
  // A map entry; its address is stable across rehashing, so the list links entries directly.
  using Node = std::pair<const std::string, Session>;
  struct Session {
    long long hits = 0;
    Clock::time_point last_used;
    SessionData data;
    Node* newer = nullptr;  // towards the most recently used
    Node* older = nullptr;
  };
  using Map = std::unordered_map<std::string, Session>;

  bool expired(const Session& s, Clock::time_point now) const {
    return now - s.last_used > limits_.lifetime;
  }
  void unlink(Node& n);
  void push_newest(Node& n);

  SessionLimits limits_;
  Map sessions_;
  Node* newest_ = nullptr;
  Node* oldest_ = nullptr;
};

}  // namespace sc
