#include "backend/session_store.hpp"

namespace sc {

void SessionStore::unlink(Node& n) {
  Session& s = n.second;
  (s.newer ? s.newer->second.older : newest_) = s.older;
  (s.older ? s.older->second.newer : oldest_) = s.newer;
  s.newer = s.older = nullptr;
}

void SessionStore::push_newest(Node& n) {
  n.second.older = newest_;
  n.second.newer = nullptr;
  if (newest_) newest_->second.newer = &n;
  newest_ = &n;
  if (!oldest_) oldest_ = &n;
}

SessionState SessionStore::touch(const std::string& id, Clock::time_point now, long long& hits) {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return SessionState::kUnknown;
  Node& n = *it;
  unlink(n);
  if (expired(n.second, now)) {
    sessions_.erase(it);
    return SessionState::kExpired;
  }
  n.second.last_used = now;
  hits = ++n.second.hits;
  push_newest(n);
  return SessionState::kKnown;
}

SessionData* SessionStore::data(const std::string& id) {
  auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : &it->second.data;
}

void SessionStore::erase(const std::string& id) {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  unlink(*it);
  sessions_.erase(it);
}

bool SessionStore::start(const std::string& id, Clock::time_point now) {
  if (sessions_.size() >= limits_.max_sessions) {
    // Only an expired session gives up its slot: a live one is never dropped to make room,
    // since its next request would look like a lost session.
    if (!oldest_ || !expired(oldest_->second, now)) return false;
    auto victim = sessions_.find(oldest_->first);
    unlink(*victim);
    sessions_.erase(victim);
  }
  auto [it, inserted] = sessions_.try_emplace(id);
  if (!inserted) unlink(*it);  // restarting an id still held: a fresh session in its place
  it->second.hits = 1;
  it->second.last_used = now;
  it->second.data = {};
  push_newest(*it);
  return true;
}

}  // namespace sc
