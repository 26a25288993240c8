#pragma once
// The request records grouped by session, in request order, without copying them: 4-byte
// indices into the records, ordered by a counting sort on the session (a run's sessions are
// dense, 0..N-1), so that every figure over sessions shares one grouping of 4.4 bytes a
// request instead of sorting pointers of its own.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "driver/records.hpp"

namespace sc {

// One session's records, in request (seq) order.
class SessionRecords {
 public:
  class Iterator {
   public:
    Iterator(const RequestRecord* records, const std::uint32_t* at) : records_(records), at_(at) {}
    const RequestRecord& operator*() const { return records_[*at_]; }
    Iterator& operator++() {
      ++at_;
      return *this;
    }
    bool operator!=(const Iterator& o) const { return at_ != o.at_; }

   private:
    const RequestRecord* records_;
    const std::uint32_t* at_;
  };

  SessionRecords(const RequestRecord* records, const std::uint32_t* begin, const std::uint32_t* end)
      : records_(records), begin_(begin), end_(end) {}
  std::size_t size() const { return static_cast<std::size_t>(end_ - begin_); }
  bool empty() const { return begin_ == end_; }
  const RequestRecord& operator[](std::size_t k) const { return records_[begin_[k]]; }
  const RequestRecord& front() const { return records_[*begin_]; }
  const RequestRecord& back() const { return records_[end_[-1]]; }
  Iterator begin() const { return {records_, begin_}; }
  Iterator end() const { return {records_, end_}; }

 private:
  const RequestRecord* records_;
  const std::uint32_t* begin_;
  const std::uint32_t* end_;
};

class SessionIndex {
 public:
  // `records` must outlive the index and stay unchanged. At most 2^32 - 1 records.
  explicit SessionIndex(const std::vector<RequestRecord>& records);

  // Sessions with at least one record, in ascending session number.
  std::size_t size() const { return starts_.empty() ? 0 : starts_.size() - 1; }
  SessionRecords operator[](std::size_t i) const {
    return {records_, order_.data() + starts_[i], order_.data() + starts_[i + 1]};
  }

 private:
  void count_sort(const std::vector<RequestRecord>& records, std::uint32_t max_session);
  void comparison_sort(const std::vector<RequestRecord>& records);
  void order_by_seq();

  const RequestRecord* records_;
  std::vector<std::uint32_t> order_;   // record indices by (session, seq)
  std::vector<std::uint32_t> starts_;  // where each session begins in order_, then the end
};

}  // namespace sc
