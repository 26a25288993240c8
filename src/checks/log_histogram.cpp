#include "checks/log_histogram.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>

namespace sc {

namespace {

constexpr int kSubBits = 7;  // log2(kSubBuckets)

}  // namespace

std::size_t LogHistogram::index_of(std::int64_t value) {
  if (value < kExactBelow) return static_cast<std::size_t>(std::max<std::int64_t>(value, 0));
  const auto v = static_cast<std::uint64_t>(value);
  const int top = std::bit_width(v) - 1;  // 8 or more
  const int shift = top - kSubBits;
  const auto sub = (v >> shift) - kSubBuckets;
  return static_cast<std::size_t>(kExactBelow) +
         static_cast<std::size_t>(top - (kSubBits + 1)) * kSubBuckets + sub;
}

std::int64_t LogHistogram::lowest_of(std::size_t index) {
  if (index < static_cast<std::size_t>(kExactBelow)) return static_cast<std::int64_t>(index);
  const auto k = index - static_cast<std::size_t>(kExactBelow);
  const auto top = static_cast<int>(k / kSubBuckets) + kSubBits + 1;
  const auto sub = static_cast<std::int64_t>(k % kSubBuckets);
  return (kSubBuckets + sub) << (top - kSubBits);
}

void LogHistogram::add(std::int64_t value, long long count) {
  const auto i = index_of(value);
  if (counts_.size() <= i) counts_.resize(i + 1, 0);
  counts_[i] += count;
  total_ += count;
}

void LogHistogram::merge(const LogHistogram& other) {
  if (counts_.size() < other.counts_.size()) counts_.resize(other.counts_.size(), 0);
  for (std::size_t i = 0; i < other.counts_.size(); ++i) counts_[i] += other.counts_[i];
  total_ += other.total_;
}

std::int64_t LogHistogram::percentile(double q) const {
  if (total_ == 0) return 0;
  auto rank = static_cast<long long>(std::ceil(q * static_cast<double>(total_)));
  rank = std::clamp<long long>(rank, 1, total_);
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    rank -= counts_[i];
    if (rank <= 0) return lowest_of(i);
  }
  return lowest_of(counts_.size() - 1);
}

std::vector<std::pair<std::int64_t, long long>> LogHistogram::buckets() const {
  std::vector<std::pair<std::int64_t, long long>> out;
  for (std::size_t i = 0; i < counts_.size(); ++i)
    if (counts_[i] > 0) out.push_back({lowest_of(i), counts_[i]});
  return out;
}

Result<LogHistogram> LogHistogram::from_buckets(
    const std::vector<std::pair<std::int64_t, long long>>& buckets) {
  LogHistogram h;
  for (const auto& [value, count] : buckets) {
    if (value < 0 || value > (std::int64_t{1} << 40) || lowest_of(index_of(value)) != value)
      return Error{fmt::format("{} is not the lowest value of a bucket", value)};
    if (count <= 0) return Error{fmt::format("bucket {}: count {} is not positive", value, count)};
    h.add(value, count);
  }
  return h;
}

}  // namespace sc
