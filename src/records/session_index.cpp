#include "records/session_index.hpp"

#include <algorithm>

namespace sc {

SessionIndex::SessionIndex(const std::vector<RequestRecord>& records) : records_(records.data()) {
  if (records.empty()) return;
  std::uint32_t max_session = 0;
  for (const auto& r : records) max_session = std::max(max_session, r.session);
  // Session numbers far sparser than the records (not a driver's run) would make the counts
  // larger than the records: sort those instead.
  if (max_session / 4 <= records.size())
    count_sort(records, max_session);
  else
    comparison_sort(records);
  order_by_seq();
}

void SessionIndex::count_sort(const std::vector<RequestRecord>& records,
                              std::uint32_t max_session) {
  // at[s]: the records of sessions 0..s, then (placing from the back, which keeps the
  // records' order within a session) where session s begins.
  std::vector<std::uint32_t> at(static_cast<std::size_t>(max_session) + 1, 0);
  for (const auto& r : records) ++at[r.session];
  std::size_t sessions = 0;
  for (std::size_t s = 0; s < at.size(); ++s) {
    sessions += at[s] != 0;
    if (s > 0) at[s] += at[s - 1];
  }
  order_.resize(records.size());
  for (std::size_t i = records.size(); i-- > 0;)
    order_[--at[records[i].session]] = static_cast<std::uint32_t>(i);
  // Only the sessions that have records: gaps in the numbering are no sessions.
  starts_.reserve(sessions + 1);
  const auto total = static_cast<std::uint32_t>(records.size());
  for (std::size_t s = 0; s < at.size(); ++s)
    if ((s + 1 < at.size() ? at[s + 1] : total) != at[s]) starts_.push_back(at[s]);
  starts_.push_back(total);
}

void SessionIndex::comparison_sort(const std::vector<RequestRecord>& records) {
  order_.resize(records.size());
  for (std::uint32_t i = 0; i < records.size(); ++i) order_[i] = i;
  std::stable_sort(order_.begin(), order_.end(), [&records](std::uint32_t a, std::uint32_t b) {
    return records[a].session < records[b].session;
  });
  for (std::uint32_t i = 0; i < order_.size(); ++i)
    if (i == 0 || records[order_[i]].session != records[order_[i - 1]].session)
      starts_.push_back(i);
  starts_.push_back(static_cast<std::uint32_t>(records.size()));
}

// Records come in completion order, which within a session is almost always request order:
// a session's slice is sorted only when it is not already.
void SessionIndex::order_by_seq() {
  const auto by_seq = [this](std::uint32_t a, std::uint32_t b) {
    return records_[a].seq < records_[b].seq;
  };
  for (std::size_t s = 0; s < size(); ++s) {
    auto* begin = order_.data() + starts_[s];
    auto* end = order_.data() + starts_[s + 1];
    if (!std::is_sorted(begin, end, by_seq)) std::stable_sort(begin, end, by_seq);
  }
}

}  // namespace sc
